// Replays a tape of choices (see sim/choice.h for the byte encoding).
//
// Replay, shrinking and libFuzzer all read tapes. When the bytes run out every
// further choice is 0, the simplest option, so a truncated tape is still a
// valid (simpler) run; overruns() says how many choices fell past the end.
//
//   sim::TapeSource replay(token.tape);
//   sim::Executor executor(replay, {});
//
// Thread-safety: one run, one thread. The tape must outlive the source.
#ifndef HANGUP_SIM_TAPE_SOURCE_H_
#define HANGUP_SIM_TAPE_SOURCE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "sim/choice.h"

namespace sim {

class TapeSource : public ChoiceSource {
 public:
  explicit TapeSource(absl::Span<const uint8_t> tape) : tape_(tape) {}
  uint32_t Choose(ChoiceKind kind, uint32_t n) override;

  size_t consumed() const { return pos_; }
  int64_t overruns() const { return overruns_; }

 private:
  absl::Span<const uint8_t> tape_;
  size_t pos_ = 0;
  int64_t overruns_ = 0;
};

// Lower-case hex, two digits a byte; "" for an empty tape.
std::string TapeToHex(absl::Span<const uint8_t> tape);
// Parses TapeToHex's output; an error names the offending position.
absl::StatusOr<std::vector<uint8_t>> TapeFromHex(absl::string_view hex);

}  // namespace sim

#endif  // HANGUP_SIM_TAPE_SOURCE_H_
