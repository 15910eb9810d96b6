// The default scenario matrix: every preset with each representative
// app/client pair of its protocols, plus middleware scenarios on uvicorn
// 0.17.6 h11. The default job explores it; `hangup explore` without --app
// and --client explores it narrowed by --server, --app and --client.
//
//   for (const models::ScenarioSpec& spec : harness::DefaultMatrix()) ...
//
// Thread-safety: a pure function.
#ifndef HANGUP_HARNESS_MATRIX_H_
#define HANGUP_HARNESS_MATRIX_H_

#include <vector>

#include "models/scenario.h"

namespace harness {

std::vector<models::ScenarioSpec> DefaultMatrix();

}  // namespace harness

#endif  // HANGUP_HARNESS_MATRIX_H_
