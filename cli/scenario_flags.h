// Shared pieces of the hangup commands: building a scenario from the flags,
// installing the property checker, and printing a run (human or JSON).
#ifndef HANGUP_CLI_SCENARIO_FLAGS_H_
#define HANGUP_CLI_SCENARIO_FLAGS_H_

#include <memory>

#include "absl/status/statusor.h"
#include "cli/commands.h"
#include "check/checked_scenario.h"
#include "check/properties.h"
#include "models/scenario.h"
#include "nlohmann/json.hpp"
#include "sim/explore.h"
#include "sim/program.h"

namespace cli {

// Prints "hangup <command>: <message>" to stderr; returns 2 (bad input).
int BadInput(absl::string_view command, const absl::Status& status);

// From --scenario, or --server/--middleware/--app/--client, plus overrides.
absl::StatusOr<models::ScenarioSpec> SpecFromFlags(const CommonOptions& o);
absl::StatusOr<std::unique_ptr<check::CheckedScenario>> BuildScenario(
    const CommonOptions& o, const check::PropertyOptions& properties);
// --app and --client given (or --scenario): that one scenario. Otherwise
// the default matrix (harness/matrix.h), narrowed by --server, --app and
// --client when given. Every scenario returned builds.
absl::StatusOr<std::vector<models::ScenarioSpec>> ScenariosFromFlags(
    const CommonOptions& o);
// The properties chosen by --properties (all by default) and their bounds;
// an error names an unknown property and lists the known ones.
absl::StatusOr<check::PropertyOptions> PropertyOptionsFromFlags(
    const CommonOptions& o);

// --strategy and --seed: random, pct[:d=N], dfs[:pb=N], or swarm (a random
// walk that also switches choice kinds off, see sim/swarm_source.h).
struct Strategy {
  sim::StrategyOptions options;  // swarm: random
  bool swarm = false;
};
absl::StatusOr<Strategy> StrategyFromFlags(const CommonOptions& o);

void PrintRun(const check::CheckedScenario& scenario,
              const sim::RunReport& report,
              const CommonOptions& o);
// Properties and strategies for `hangup list`.
void AppendListJson(nlohmann::json& j);
void PrintListText();

}  // namespace cli

#endif  // HANGUP_CLI_SCENARIO_FLAGS_H_
