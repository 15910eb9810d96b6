// From flags to options: the scenario (or the matrix), the properties and
// their bounds, and the strategy. Errors name the flag and what was expected.
#ifndef HANGUP_CLI_SCENARIO_FLAGS_H_
#define HANGUP_CLI_SCENARIO_FLAGS_H_

#include <memory>

#include "absl/status/statusor.h"
#include "check/checked_scenario.h"
#include "check/properties.h"
#include "cli/commands.h"
#include "harness/findings.h"
#include "models/scenario.h"
#include "sim/strategy.h"

namespace cli {

// From --scenario, or --server/--middleware/--app/--client, plus overrides.
absl::StatusOr<models::ScenarioSpec> SpecFromFlags(const CommonOptions& o);
// The scenario of `run`: a scenario file given as the argument (with its
// own bounds and expectations), or the flags' scenario checked with
// `properties`.
absl::StatusOr<std::unique_ptr<check::CheckedScenario>> BuildScenario(
    const CommonOptions& o, const check::PropertyOptions& properties);
// The targets of `explore`: the scenario files given as arguments, else
// ScenariosFromFlags checked with `properties`.
absl::StatusOr<std::vector<harness::Target>> TargetsFromFlags(
    const CommonOptions& o, const check::PropertyOptions& properties);
// A target read from a scenario file (its program names the file).
absl::StatusOr<harness::Target> TargetFromFile(const std::string& path);
// --app and --client given (or --scenario): that one scenario. Otherwise
// the default matrix (harness/matrix.h), narrowed by --server, --app and
// --client when given. Every scenario returned builds.
absl::StatusOr<std::vector<models::ScenarioSpec>> ScenariosFromFlags(
    const CommonOptions& o);
// The properties chosen by --properties (all by default) and their bounds;
// an error names an unknown property and lists the known ones.
absl::StatusOr<check::PropertyOptions> PropertyOptionsFromFlags(
    const CommonOptions& o);

// --strategy: one of sim::Strategies() (sim/strategy.h).
absl::StatusOr<sim::StrategyConfig> StrategyFromFlags(const CommonOptions& o);

}  // namespace cli

#endif  // HANGUP_CLI_SCENARIO_FLAGS_H_
