#include "check/transparency.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "check/properties.h"
#include "sim/program.h"

namespace check {
namespace {

using models::AppEnd;
using models::Outcome;

// Observables a pass-through middleware must not change.
struct Observables {
  bool app_saw_disconnect = false;
  AppEnd app_end = AppEnd::kRunning;
  bool client_complete = false;
  bool background_done = false;
  sim::Time final_body = sim::Time::Infinite();
};

Observables Observe(const Outcome& o) {
  Observables ob;
  ob.app_saw_disconnect = o.app_noticed != sim::Time::Infinite();
  ob.app_end = o.app_end;
  ob.client_complete = o.client.got_final_body;
  ob.background_done = o.background_done;
  ob.final_body = o.client.final_body_time;  // what the client saw
  return ob;
}

}  // namespace

std::optional<Violation> CompareTwins(const models::ScenarioSpec& spec) {
  if (spec.middleware.empty()) return std::nullopt;
  models::ScenarioSpec bare = spec;
  bare.middleware.clear();
  auto with = models::Scenario::Create(spec);
  auto without = models::Scenario::Create(bare);
  if (!with.ok() || !without.ok()) return std::nullopt;
  sim::ReplayTape(**with, {}, (*with)->executor_options());
  sim::ReplayTape(**without, {}, (*without)->executor_options());
  const Observables a = Observe((*with)->outcome());
  const Observables b = Observe((*without)->outcome());
  const std::string mw = absl::StrJoin(spec.middleware, "+");
  // "with <mw> the <who> <did or did_not><what>; without it, it did (not)".
  auto differs = [&mw](const char* signature, bool with, bool without,
                       const char* who, const char* did, const char* did_not,
                       const char* what) {
    return MakeViolation(
        TwinProperty(), signature,
        absl::StrCat("with ", mw, " the ", who, " ", with ? did : did_not, what,
                     "; without it, it ", without ? "did" : "did not"));
  };
  if (a.app_saw_disconnect != b.app_saw_disconnect) {
    return differs("disconnect-observability", a.app_saw_disconnect,
                   b.app_saw_disconnect, "app", "saw", "never saw",
                   " the disconnect");
  }
  if (a.app_end != b.app_end) {
    return MakeViolation(
        TwinProperty(), "app-end",
        absl::StrCat("with ", mw, " the app ", AppEndName(a.app_end),
                     "; without it, ", AppEndName(b.app_end)));
  }
  if (a.background_done != b.background_done) {
    return differs("background-lifetime", a.background_done, b.background_done,
                   "background work", "finished", "did not finish", "");
  }
  if (a.client_complete != b.client_complete) {
    return differs("completion", a.client_complete, b.client_complete, "client",
                   "got", "did not get", " the complete response");
  }
  if (a.final_body != sim::Time::Infinite() &&
      b.final_body != sim::Time::Infinite() &&
      (a.final_body - b.final_body > sim::Seconds(1) ||
       b.final_body - a.final_body > sim::Seconds(1))) {
    return MakeViolation(
        TwinProperty(), "completion-time",
        absl::StrCat("with ", mw, " the client got the final body at ",
                     a.final_body.ToString(), "; without it, at ",
                     b.final_body.ToString()));
  }
  return std::nullopt;
}

}  // namespace check
