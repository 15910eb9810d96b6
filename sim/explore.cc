#include "sim/explore.h"

#include <memory>
#include <utility>

namespace sim {

ExploreResult Explore(Program& program, const ExploreOptions& options) {
  ExploreResult out;
  std::unique_ptr<Strategy> strategy =
      options.strategy.Make({.seed = options.seed,
                             .max_executions = options.max_runs,
                             .program = &program,
                             .executor = options.executor});
  for (int64_t i = 0; i < options.max_runs &&
                      strategy->BeginExecution(static_cast<uint64_t>(i));
       ++i) {
    RunReport r = RunProgram(program, strategy->source(), options.executor);
    out.runs = i + 1;
    if (r.failed()) {
      out.failing_run = i;
      out.failure = std::move(r);
      break;
    }
  }
  out.exhausted = strategy->exhausted();
  return out;
}

}  // namespace sim
