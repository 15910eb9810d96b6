// Randomised strategies: a seeded random walk, and PCT (probabilistic
// concurrency testing, Burckhardt et al. 2010) with a bug-depth parameter.
//
// Both are deterministic functions of their seed. A random walk picks every
// option uniformly. PCT gives each task a random priority, always runs the
// highest-priority runnable task, and lowers the running task's priority at
// depth-1 change points drawn from [1, expected_steps]; a bug of depth d is
// found with probability >= 1 / (tasks * expected_steps^(d-1)) per run.
// Non-scheduling choices under PCT are uniform, as in the random walk.
//
//   sim::PctSource pct({.seed = 7, .depth = 2, .expected_steps = 40});
//   sim::Executor executor(pct, {});
//
// Thread-safety: one run, one thread.
#ifndef HANGUP_SIM_RANDOM_SOURCE_H_
#define HANGUP_SIM_RANDOM_SOURCE_H_

#include <cstdint>
#include <vector>

#include "sim/choice.h"
#include "sim/prng.h"

namespace sim {

class RandomWalkSource final : public ChoiceSource {
 public:
  explicit RandomWalkSource(uint64_t seed) : prng_(seed) {}
  uint32_t Choose(ChoiceKind, uint32_t n) override {
    return static_cast<uint32_t>(prng_.Below(n));
  }

 private:
  Prng prng_;
};

struct PctOptions {
  uint64_t seed = 0;
  // Bug depth d: the number of ordering constraints the bug needs; d-1
  // priority change points are placed per run. >= 1.
  int depth = 2;
  // Estimated scheduling decisions per run (k in the PCT paper). >= 1.
  int64_t expected_steps = 100;
};

class PctSource : public ChoiceSource {
 public:
  explicit PctSource(const PctOptions& options);
  uint32_t Choose(ChoiceKind kind, uint32_t n) override;
  bool wants_task_ids() const override { return true; }
  uint32_t ChooseTask(ChoiceKind kind,
                      absl::Span<const TaskId> options) override;

 private:
  uint64_t PriorityOf(TaskId task);

  Prng prng_;
  std::vector<uint64_t> priorities_;    // by TaskId; 0 = not assigned yet
  std::vector<int64_t> change_points_;  // sorted step numbers
  int64_t step_ = 0;
  bool has_last_ = false;
  TaskId last_ = 0;
};

}  // namespace sim

#endif  // HANGUP_SIM_RANDOM_SOURCE_H_
