// Expectations: what a user expects of their own scenario, written in a
// scenario file (harness/scenario_file.h) and checked on every run like a
// built-in property. Each has its own name, which findings, de-duplication,
// shrinking and the corpus use as the property name.
//
//   check::Expectation e{.name = "ends-in-1s",
//                        .kind = check::ExpectationKind::kAppEndsWithin,
//                        .bound = sim::Seconds(1)};
//   std::vector<check::Violation> v;
//   check::CheckExpectations({e}, outcome, result, v);
//
// Thread-safety: values and pure functions.
#ifndef HANGUP_CHECK_EXPECTATIONS_H_
#define HANGUP_CHECK_EXPECTATIONS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "check/violation.h"
#include "models/asgi/outcome.h"
#include "sim/executor.h"
#include "sim/time.h"

namespace check {

enum class ExpectationKind : uint8_t {
  // The app ends within `bound` of the client's close.
  kAppEndsWithin,
  // No log line at or above `level`, at any time in the run.
  kNoLogAtOrAbove,
  // Every send after the server noticed the close raises a subclass of
  // `exception` (by the modelled MRO: OSError covers ClientDisconnected).
  kSendAfterCloseRaises,
  // No send after the server noticed the close raises.
  kSendAfterCloseReturns,
  // A receive() waiting at (or called after) the close gets the disconnect
  // within `bound`.
  kDisconnectWithin,
  // The client reads at least `count` body chunks (HTTP) or messages
  // (WebSocket).
  kClientGetsAtLeast,
};

struct Expectation {
  std::string name;  // its property name in findings
  ExpectationKind kind = ExpectationKind::kAppEndsWithin;
  sim::Duration bound;  // kAppEndsWithin, kDisconnect
  models::LogLevel level = models::LogLevel::kError;  // kNoLogAtOrAbove
  std::string exception;                              // kSendAfterCloseRaises
  int64_t count = 0;                                  // kClientGetsAtLeast

  // One line for people ("the app ends within 1s of the close").
  std::string Describe() const;
};

// The file keys of the kinds ("app-ends-within", ...), in kind order.
absl::Span<const char* const> ExpectationKeys();

// Appends a violation for each expectation the run breaks.
void CheckExpectations(absl::Span<const Expectation> expectations,
                       const models::Outcome& outcome,
                       const sim::RunResult& result,
                       std::vector<Violation>& out);

}  // namespace check

#endif  // HANGUP_CHECK_EXPECTATIONS_H_
