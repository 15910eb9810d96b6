// Running a program many times under one strategy until it fails: the
// kernel-level explorer (the harness's campaigns add jobs, many programs,
// de-duplication and shrinking on top of the same Strategy interface).
//
// Execution i of a random or PCT exploration uses seed DeriveSeed(seed, i),
// so any execution can be redone alone. DFS enumerates the whole choice tree
// (under its preemption bound) and reports how many runs that took.
//
//   sim::ExploreResult r = sim::Explore(program,
//       {.strategy = *sim::ParseStrategy("pct"), .seed = 1, .max_runs = 1000});
//   if (r.failure) ... r.failure->tape ...
//
// Thread-safety: one thread.
#ifndef HANGUP_SIM_EXPLORE_H_
#define HANGUP_SIM_EXPLORE_H_

#include <cstdint>
#include <optional>

#include "sim/executor.h"
#include "sim/program.h"
#include "sim/strategy.h"

namespace sim {

struct ExploreOptions {
  StrategyConfig strategy;  // random by default
  uint64_t seed = 0;
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

}  // namespace sim

#endif  // HANGUP_SIM_EXPLORE_H_
