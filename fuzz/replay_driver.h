// The plain driver of a fuzz target, for builds without libFuzzer (gcc).
//
// fuzz/replay_main.cc links with one fuzz/<unit>_fuzz.cc into
// <unit>_fuzz_replay, a main() that
//   - replays raw fuzz inputs (files, or directories of files without an
//     extension, as libFuzzer writes them) through LLVMFuzzerTestOneInput,
//     exactly as libFuzzer would run them;
//   - replays corpus entries (*.json, see harness/corpus.h) and checks that
//     each still breaks its expected property (exit 1 when one does not);
//   - with --write_seeds=DIR, writes the target's seed inputs (the corpus
//     entries it can express, plus its base seeds) for libFuzzer.
//
// Each fuzz target defines GetReplayTarget() next to its
// LLVMFuzzerTestOneInput, telling the driver how corpus entries map to its
// inputs:
//
//   class ScenarioTarget : public fuzz::ReplayTarget { ... };
//   fuzz::ReplayTarget& fuzz::GetReplayTarget() {
//     static ScenarioTarget target;
//     return target;
//   }
//
// Thread-safety: the driver is single-threaded.
#ifndef HANGUP_FUZZ_REPLAY_DRIVER_H_
#define HANGUP_FUZZ_REPLAY_DRIVER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "harness/corpus.h"
#include "models/asgi/outcome.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace fuzz {

// How a corpus entry replayed.
struct CorpusReplay {
  std::vector<check::Violation> violations;  // every one the run broke
  // Those the fuzz target would report as new (and crash on): an entry's
  // seed must not stop the fuzzer at once, so the driver fails on these.
  std::vector<check::Violation> fresh;
  uint64_t trace_hash = 0;
  std::string route;  // how it was run, one line, for people
};

struct Seed {
  std::string name;  // a file name (no directory, no extension)
  std::vector<uint8_t> input;
};

class ReplayTarget {
 public:
  virtual ~ReplayTarget() = default;
  // The raw fuzz input that runs `entry`, or nullopt when this target's
  // inputs cannot express it.
  virtual std::optional<std::vector<uint8_t>> InputFor(
      const harness::CorpusEntry& entry) = 0;
  // Replays `entry`: through InputFor's input when there is one (so the
  // conversion itself is tested), else directly.
  virtual CorpusReplay Replay(const harness::CorpusEntry& entry) = 0;
  // Seeds besides the corpus entries, for example one per scenario.
  virtual std::vector<Seed> BaseSeeds() = 0;
  // The command that replays a raw input outside the fuzz target, one line
  // ("hangup replay hangup1:..."), printed before each raw input runs.
  virtual std::string ReplayCommand(absl::Span<const uint8_t> input) = 0;
};

// Defined by each fuzz target's .cc file.
ReplayTarget& GetReplayTarget();

}  // namespace fuzz

#endif  // HANGUP_FUZZ_REPLAY_DRIVER_H_
