// Bounded exhaustive search: enumerates every distinct choice sequence of a
// program, in a fixed order (lexicographic by choice values), optionally under
// a preemption bound (CHESS-style iterative context bounding).
//
// Each run replays the prefix chosen so far and takes option 0 for every new
// choice; between runs the deepest choice with options left is incremented.
// A run that diverges from its replayed prefix is nondeterminism in the model
// and fails a SIM_CHECK.
//
//   sim::DfsSource dfs({.preemption_bound = 2});
//   while (dfs.BeginRun()) { sim::Executor ex(dfs, {}); ...; ex.Run(); }
//   int64_t n = dfs.runs();
//
// Thread-safety: one thread.
#ifndef HANGUP_SIM_DFS_SOURCE_H_
#define HANGUP_SIM_DFS_SOURCE_H_

#include <cstdint>
#include <vector>

#include "sim/choice.h"

namespace sim {

struct DfsOptions {
  // Maximum preemptions (non-zero kScheduleKeep choices) per run; -1 = none.
  int preemption_bound = -1;
  // Stop after this many runs even if the tree is not exhausted; -1 = none.
  int64_t max_runs = -1;
};

class DfsSource : public ChoiceSource {
 public:
  explicit DfsSource(const DfsOptions& options) : options_(options) {}

  // Prepares the next run. Returns false when the tree is exhausted or the
  // run limit is reached.
  bool BeginRun();
  uint32_t Choose(ChoiceKind kind, uint32_t n) override;

  // Runs begun so far.
  int64_t runs() const { return runs_; }
  // True once every sequence under the bound has been run.
  bool exhausted() const { return exhausted_; }

 private:
  struct Frame {
    uint32_t value;
    uint32_t n;  // options allowed at this point (1 when the bound forces 0)
  };

  DfsOptions options_;
  std::vector<Frame> stack_;
  size_t depth_ = 0;
  int preemptions_ = 0;
  int64_t runs_ = 0;
  bool exhausted_ = false;
};

}  // namespace sim

#endif  // HANGUP_SIM_DFS_SOURCE_H_
