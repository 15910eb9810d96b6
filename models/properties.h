// Properties: observers that judge a finished run's outcome record, separate
// from the models. Each has a name, a one-line meaning and the bug class it
// catches (shared/reference/asgi-send-disconnect.md §3 and §4).
//
//   models::PropertyOptions opts;  // bounds, with defaults
//   std::vector<models::Violation> v =
//       models::CheckProperties(outcome, result, opts);
//   if (!v.empty()) ... v[0].property, v[0].signature, v[0].detail
//
// A violation's signature (with the property and the scenario) is what
// de-duplicates findings: the same bug found by two tapes has one signature.
//
// Thread-safety: pure functions over their arguments.
#ifndef HANGUP_MODELS_PROPERTIES_H_
#define HANGUP_MODELS_PROPERTIES_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "models/asgi/outcome.h"
#include "models/scenario.h"
#include "sim/executor.h"

namespace models {

struct PropertyOptions {
  // A waiting receive() must get the disconnect within this of the close.
  sim::Duration receive_bound = sim::Millis(1000);
  // The app must end within this of the client's close (no zombie).
  sim::Duration app_end_bound = sim::Seconds(30);
  // Log lines at INFO or above allowed after the client's close.
  int log_lines_bound = 5;
  // Properties to check; empty = all.
  std::vector<std::string> only;
};

struct PropertyInfo {
  const char* name;
  const char* meaning;    // one line
  const char* bug_class;  // the catalog entries it catches
};
absl::Span<const PropertyInfo> Properties();
const PropertyInfo* FindProperty(absl::string_view name);
// Checks that every name in `names` is a property.
absl::Status ValidatePropertyNames(absl::Span<const std::string> names);

// Every property judged on one run's outcome alone (all but
// middleware-transparency, which compares the scenario with its twin).
std::vector<Violation> CheckProperties(const Outcome& outcome,
                                       const sim::RunResult& result,
                                       const PropertyOptions& options);

// A RunChecker (models/scenario.h) reporting every violation of a run: the
// outcome's, then (when those pass) middleware-transparency, whose verdict
// is computed once per scenario and cached.
RunChecker MakeChecker(const PropertyOptions& options);

}  // namespace models

#endif  // HANGUP_MODELS_PROPERTIES_H_
