// Shared pieces of the hangup commands: building a scenario from the flags,
// installing the property checker, and printing a run (human or JSON).
#ifndef HANGUP_CLI_SCENARIO_FLAGS_H_
#define HANGUP_CLI_SCENARIO_FLAGS_H_

#include <memory>

#include "absl/status/statusor.h"
#include "cli/commands.h"
#include "models/properties.h"
#include "models/scenario.h"
#include "nlohmann/json.hpp"
#include "sim/program.h"

namespace cli {

// From --scenario, or --server/--middleware/--app/--client, plus overrides.
absl::StatusOr<models::ScenarioSpec> SpecFromFlags(const CommonOptions& o);
absl::StatusOr<std::unique_ptr<models::Scenario>> BuildScenario(
    const CommonOptions& o);
models::PropertyOptions PropertyOptionsFromFlags(const CommonOptions& o);
// Checks the properties chosen by --properties (all by default).
void InstallChecker(models::Scenario& scenario, const CommonOptions& o);
// The reproduce line for a tape.
std::string ReproduceLine(const models::Scenario& scenario,
                          const std::vector<uint8_t>& tape);
void PrintRun(const models::Scenario& scenario, const sim::RunReport& report,
              const CommonOptions& o);
// Properties and strategies for `hangup list`.
void AppendListJson(nlohmann::json& j);
void PrintListText();

}  // namespace cli

#endif  // HANGUP_CLI_SCENARIO_FLAGS_H_
