// hangup run: one execution of one scenario, on a tape or as execution 0 of
// a strategy seeded --seed, printed with its timeline and outcome record.
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/scenario_flags.h"
#include "sim/strategy.h"
#include "sim/tape_source.h"

namespace cli {
namespace {

// The strategies whose single execution means something (all but DFS).
std::string SingleExecutionStrategies() {
  std::vector<const char*> names;
  for (const sim::StrategyInfo& s : sim::Strategies()) {
    if (!s.enumerates) names.push_back(s.name);
  }
  const char* last = names.back();
  names.pop_back();
  return absl::StrCat(absl::StrJoin(names, ", "), " or ", last);
}

absl::StatusOr<sim::RunReport> RunOnce(const CommonOptions& o,
                                       check::CheckedScenario& s,
                                       const sim::ExecutorOptions& exec) {
  if (!o.tape.empty()) {
    absl::StatusOr<std::vector<uint8_t>> tape = sim::TapeFromHex(o.tape);
    if (!tape.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--tape: ", tape.status().message()));
    }
    return sim::ReplayTape(s, *tape, exec);
  }
  absl::StatusOr<sim::StrategyConfig> strategy = StrategyFromFlags(o);
  if (!strategy.ok()) return strategy.status();
  if (strategy->info->enumerates) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--strategy: run takes ", SingleExecutionStrategies(), " (",
        strategy->info->name, " explores many runs: use explore)"));
  }
  std::unique_ptr<sim::Strategy> source =
      strategy->Make({.seed = o.seed, .program = &s, .executor = exec});
  source->BeginExecution(0);
  return sim::RunProgram(s, source->source(), exec);
}

}  // namespace

int Run(const CommonOptions& o) {
  absl::StatusOr<check::PropertyOptions> props = PropertyOptionsFromFlags(o);
  if (!props.ok()) return BadInput("run", props.status());
  absl::StatusOr<std::unique_ptr<check::CheckedScenario>> scenario =
      BuildScenario(o, *props);
  if (!scenario.ok()) return BadInput("run", scenario.status());
  check::CheckedScenario& s = **scenario;
  absl::StatusOr<sim::RunReport> r =
      RunOnce(o, s, s.executor_options(/*record_trace=*/true));
  if (!r.ok()) return BadInput("run", r.status());
  PrintRun(s, *r, {.json = o.json, .steps = o.steps});
  return 0;
}

}  // namespace cli
