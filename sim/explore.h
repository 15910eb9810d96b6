// Running a program many times under one strategy until it fails: the
// kernel-level explorer (the `hangup` explorer adds swarm, jobs, de-duplication
// and shrinking on top of RunProgram).
//
// Run i of a random or PCT exploration uses seed DeriveSeed(seed, i), so any
// run can be redone alone. DFS enumerates the whole choice tree (under its
// preemption bound) and reports how many runs that took.
//
//   sim::ExploreResult r = sim::Explore(program, {.strategy = {.kind =
//       sim::StrategyKind::kPct, .seed = 1}, .max_runs = 1000});
//   if (r.failure) ... r.failure->tape ...
//
// Thread-safety: one thread.
#ifndef HANGUP_SIM_EXPLORE_H_
#define HANGUP_SIM_EXPLORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sim/choice.h"
#include "sim/executor.h"
#include "sim/program.h"

namespace sim {

enum class StrategyKind : uint8_t { kRandom, kPct, kDfs };

struct StrategyOptions {
  StrategyKind kind = StrategyKind::kRandom;
  uint64_t seed = 0;
  int pct_depth = 2;
  // PCT's k; 0 = measure it from the all-zero run.
  int64_t pct_expected_steps = 0;
  int dfs_preemption_bound = -1;  // -1 = unbounded

  std::string ToString() const;  // "random", "pct:d=2", "dfs:pb=2"
};
absl::string_view StrategyKindName(StrategyKind kind);
// Parses "random", "pct", "pct:d=3", "dfs", "dfs:pb=2".
absl::StatusOr<StrategyOptions> ParseStrategy(absl::string_view text);

// The seed of run `index` of an exploration seeded `seed`.
uint64_t DeriveSeed(uint64_t seed, uint64_t index);

// Builds the choice source of one random or PCT run.
std::unique_ptr<ChoiceSource> MakeRunSource(const StrategyOptions& strategy,
                                            uint64_t index,
                                            int64_t expected_steps);

struct ExploreOptions {
  StrategyOptions strategy;
  int64_t max_runs = 1000;
  ExecutorOptions executor;
};

struct ExploreResult {
  int64_t runs = 0;
  bool exhausted = false;  // DFS covered the whole tree
  std::optional<RunReport> failure;
  int64_t failing_run = -1;  // index of the failing run
};

ExploreResult Explore(Program& program, const ExploreOptions& options);

// Choices made by the simplest run (every choice 0): PCT's default k.
int64_t MeasureChoices(Program& program, const ExecutorOptions& options);

}  // namespace sim

#endif  // HANGUP_SIM_EXPLORE_H_
