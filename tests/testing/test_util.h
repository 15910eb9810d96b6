// Helpers for the scenario-level tests: run a scenario given as a spec
// string on a tape (or a seed), with every property checked, and return what
// the run produced. A spec that does not parse or build fails the calling
// test (so a negative assertion on a misspelt name cannot pass vacuously).
#ifndef HANGUP_TESTS_TESTING_TEST_UTIL_H_
#define HANGUP_TESTS_TESTING_TEST_UTIL_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "check/checked_scenario.h"
#include "check/properties.h"
#include "check/violation.h"
#include "gtest/gtest.h"
#include "harness/findings.h"
#include "models/asgi/outcome.h"
#include "models/scenario.h"
#include "sim/program.h"
#include "sim/random_source.h"

namespace models::testing {

struct Ran {
  Outcome outcome;
  std::vector<check::Violation> violations;
  sim::RunReport report;
  bool built = false;  // the scenario built (else the test already failed)

  bool Violates(absl::string_view property,
                absl::string_view signature = "") const {
    return check::HasViolation(violations, property, signature);
  }
  // The first send that raised, or nullptr.
  const SendRecord* FirstRaise() const {
    for (const SendRecord& s : outcome.sends) {
      if (s.raised) return &s;
    }
    return nullptr;
  }
};

// The parsed spec; a spec that does not parse fails the test (and gives an
// empty spec, which builds nothing).
inline ScenarioSpec Spec(const std::string& text) {
  auto spec = ScenarioSpec::Parse(text);
  if (!spec.ok()) {
    ADD_FAILURE() << "spec '" << text << "': " << spec.status();
    return ScenarioSpec{};
  }
  return *spec;
}

inline Ran RunTape(const std::string& spec,
                   const std::vector<uint8_t>& tape = {},
                   const check::PropertyOptions& options = {}) {
  Ran r;
  absl::StatusOr<harness::Replayed> replayed =
      harness::ReplaySpec(Spec(spec), tape, options);
  if (!replayed.ok()) {
    ADD_FAILURE() << "scenario '" << spec << "': " << replayed.status();
    return r;
  }
  r.built = true;
  r.outcome = std::move(replayed->outcome);
  r.violations = std::move(replayed->violations);
  r.report = std::move(replayed->report);
  return r;
}

inline Ran RunSeed(const std::string& spec_text, uint64_t seed) {
  Ran r;
  auto scenario =
      check::CheckedScenario::Create(Spec(spec_text), check::PropertyOptions{});
  if (!scenario.ok()) {
    ADD_FAILURE() << "scenario '" << spec_text << "': " << scenario.status();
    return r;
  }
  r.built = true;
  sim::RandomWalkSource random(seed);
  r.report =
      sim::RunProgram(**scenario, random, (*scenario)->executor_options());
  r.outcome = (*scenario)->outcome();
  r.violations = (*scenario)->violations();
  return r;
}

// Whether a run of `spec` on one of the seeds 0 .. seeds-1 violates
// `property` (with `signature`, unless empty).
inline bool AnySeedViolates(const std::string& spec, absl::string_view property,
                            absl::string_view signature, uint64_t seeds) {
  for (uint64_t seed = 0; seed < seeds; ++seed) {
    const Ran r = RunSeed(spec, seed);
    if (!r.built) return false;
    if (r.Violates(property, signature)) return true;
  }
  return false;
}

}  // namespace models::testing

#endif  // HANGUP_TESTS_TESTING_TEST_UTIL_H_
