// Properties: observers that judge a finished run's outcome record, separate
// from the models. Each property is one row of one table (Properties()): its
// name, a one-line meaning, the bug class it catches
// (shared/reference/asgi-send-disconnect.md §3 and §4) and its check. The
// CLI's listing, the docs, the explorer and the corpus all read that table.
//
//   check::PropertyOptions opts;  // bounds, with defaults; all properties
//   std::vector<check::Violation> v =
//       check::CheckProperties(outcome, result, opts);
//   if (!v.empty()) ... v[0].property, v[0].signature, v[0].detail
//
// A violation's signature (with the property and the scenario) is what
// de-duplicates findings: the same bug found by two tapes has one signature.
//
// Adding a property is one row in kProperties (properties.cc) plus its check
// function.
//
// Thread-safety: the table is static and immutable; the functions are pure.
#ifndef HANGUP_CHECK_PROPERTIES_H_
#define HANGUP_CHECK_PROPERTIES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "check/expectations.h"
#include "check/violation.h"
#include "models/asgi/outcome.h"
#include "models/asgi/spec_machine.h"
#include "sim/executor.h"

namespace check {

// Which properties a run is checked for, by their index in Properties().
class PropertySet {
 public:
  static PropertySet All() { return PropertySet(~uint32_t{0}); }
  // The properties named; empty = all. The error names an unknown property
  // and lists the known ones.
  static absl::StatusOr<PropertySet> FromNames(
      absl::Span<const std::string> names);

  bool Has(size_t index) const { return (mask_ >> index) & 1; }
  bool all() const { return mask_ == ~uint32_t{0}; }

 private:
  explicit PropertySet(uint32_t mask) : mask_(mask) {}
  uint32_t mask_;
};

struct PropertyOptions {
  // A waiting receive() must get the disconnect within this of the close.
  sim::Duration receive_bound = sim::Millis(1000);
  // The app must end within this of the client's close (no zombie).
  sim::Duration app_end_bound = sim::Seconds(30);
  // Log lines at INFO or above allowed after the client's close.
  int log_lines_bound = 5;
  // Properties to check.
  PropertySet only = PropertySet::All();
  // The scenario's own expectations (a scenario file's `expect`), checked
  // after the properties and reported under their own names.
  std::vector<Expectation> expectations;
};

// What a check reads: the finished run and the spec's verdict on each send.
struct CheckContext {
  const models::Outcome& outcome;
  const sim::RunResult& result;
  const PropertyOptions& options;
  // The spec's verdict on each send, in order (raised sends do not advance
  // the state, as the server did not take them).
  const std::vector<models::SpecVerdict>& verdicts;
};

struct PropertyInfo;
// Appends the violations of `self` in the run, if any (at most one each).
using CheckFunction = void (*)(const PropertyInfo& self, const CheckContext&,
                               std::vector<Violation>& out);

struct PropertyInfo {
  const char* name;
  const char* meaning;    // one line
  const char* bug_class;  // the catalog entries it catches
  // Judges one run's outcome; nullptr for a property that compares the
  // scenario with its twin without middleware (check/transparency.h).
  CheckFunction check;

  bool needs_twin() const { return check == nullptr; }
};
absl::Span<const PropertyInfo> Properties();
const PropertyInfo* FindProperty(absl::string_view name);
// The row that compares a scenario with its twin (middleware-transparency).
const PropertyInfo& TwinProperty();
// The index of `info` in Properties(). REQUIRES: `info` is a row of it.
size_t PropertyIndex(const PropertyInfo& info);

// A violation of `self`: the property's name comes from its row.
Violation MakeViolation(const PropertyInfo& self, std::string signature,
                        std::string detail);

// Bound checks shared by the properties (zombie, disconnect-delivery) and
// the expectations (app-ends-within, disconnect-within), which word them
// differently.
enum class Outlived : uint8_t { kNo, kRunning, kEndedLate };
// Whether the app outlived `bound` after the client's close: still running
// at the end of the run (or at a quiescent end), or ended later than that.
Outlived AppOutlived(const models::Outcome& outcome,
                     const sim::RunResult& result, sim::Duration bound);

struct LateReceive {
  enum class Kind : uint8_t { kNone, kBlocked, kLate, kNeverReturned };
  Kind kind = Kind::kNone;
  const models::ReceiveRecord* record = nullptr;  // kBlocked, kLate
  bool delivered_before = false;                  // a disconnect came earlier
};
// The first receive() that did not get the disconnect within `bound` of
// max(its call, the client's close): cancelled while waiting (blocked),
// got it late, or still pending at the end of the run.
LateReceive FirstLateReceive(const models::Outcome& outcome,
                             const sim::RunResult& result, sim::Duration bound);

// Every enabled property judged on one run's outcome alone (all but those
// that need a twin), in table order.
std::vector<Violation> CheckProperties(const models::Outcome& outcome,
                                       const sim::RunResult& result,
                                       const PropertyOptions& options);

}  // namespace check

#endif  // HANGUP_CHECK_PROPERTIES_H_
