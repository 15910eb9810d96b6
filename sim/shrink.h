// Tape shrinking, Hypothesis-style: passes that delete spans, zero spans and
// lower single bytes, each candidate checked by replay, until no pass makes
// progress. A candidate is kept only when it is smaller in shortlex order
// (shorter, or as long and lexicographically smaller), so shrinking ends.
//
//   auto still_fails = [&](const std::vector<uint8_t>& t) {
//     return sim::ReplayTape(program, t, opts).failure == original_signature;
//   };
//   sim::ShrinkResult s = sim::ShrinkTape(tape, still_fails, {});
//
// Thread-safety: one thread; `fails` is called sequentially.
#ifndef HANGUP_SIM_SHRINK_H_
#define HANGUP_SIM_SHRINK_H_

#include <cstdint>
#include <vector>

#include "absl/functional/function_ref.h"

namespace sim {

struct ShrinkOptions {
  // Upper bound on replays; shrinking stops (keeping the best so far) after.
  int64_t max_attempts = 5000;
};

struct ShrinkResult {
  std::vector<uint8_t> tape;
  int64_t attempts = 0;
  int64_t improvements = 0;
};

// Shortlex order: shorter first, then lexicographic.
bool ShortlexLess(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b);

// REQUIRES: fails(tape) is true.
ShrinkResult ShrinkTape(
    std::vector<uint8_t> tape,
    absl::FunctionRef<bool(const std::vector<uint8_t>&)> fails,
    const ShrinkOptions& options);

}  // namespace sim

#endif  // HANGUP_SIM_SHRINK_H_
