// The default scenario matrix (presets x representative app/client pairs)
// and the scenario selection of `hangup explore`.
#ifndef HANGUP_CLI_MATRIX_H_
#define HANGUP_CLI_MATRIX_H_

#include <vector>

#include "absl/status/statusor.h"
#include "cli/commands.h"
#include "models/scenario.h"

namespace cli {

// Every preset with each app/client pair of its protocols, plus middleware
// scenarios on uvicorn 0.17.6 h11.
std::vector<models::ScenarioSpec> DefaultMatrix();

// --app and --client given: that one scenario. Otherwise the default matrix,
// narrowed by --server, --app and --client when given.
absl::StatusOr<std::vector<models::ScenarioSpec>> ScenariosFromFlags(
    const CommonOptions& o);

}  // namespace cli

#endif  // HANGUP_CLI_MATRIX_H_
