// Helpers for the model tests: run a scenario given as a spec string on a
// tape (or a seed) and return what the run produced.
#ifndef HANGUP_TESTS_MODELS_TEST_UTIL_H_
#define HANGUP_TESTS_MODELS_TEST_UTIL_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "models/explorer.h"
#include "models/asgi/outcome.h"
#include "models/properties.h"
#include "models/scenario.h"
#include "sim/program.h"
#include "sim/random_source.h"

namespace models::testing {

struct Ran {
  Outcome outcome;
  std::vector<Violation> violations;
  sim::RunReport report;

  bool Violates(absl::string_view property,
                absl::string_view signature = "") const {
    return HasViolation(violations, property, signature);
  }
  // The first send that raised, or nullptr.
  const SendRecord* FirstRaise() const {
    for (const SendRecord& s : outcome.sends) {
      if (s.raised) return &s;
    }
    return nullptr;
  }
};

inline ScenarioSpec Spec(const std::string& text) {
  auto spec = ScenarioSpec::Parse(text);
  EXPECT_TRUE(spec.ok()) << spec.status();
  return *spec;
}

inline Ran RunTape(const std::string& spec,
                   const std::vector<uint8_t>& tape = {},
                   const PropertyOptions& options = {}) {
  Ran r;
  r.violations =
      ReplayViolations(Spec(spec), tape, options, &r.report, &r.outcome);
  return r;
}

inline Ran RunSeed(const std::string& spec_text, uint64_t seed) {
  Ran r;
  auto scenario = Scenario::Create(Spec(spec_text));
  EXPECT_TRUE(scenario.ok()) << scenario.status();
  (*scenario)->set_checker(MakeChecker(PropertyOptions{}));
  sim::RandomWalkSource random(seed);
  r.report =
      sim::RunProgram(**scenario, random, (*scenario)->executor_options());
  r.outcome = (*scenario)->last_outcome();
  r.violations = (*scenario)->last_violations();
  return r;
}

// Whether a run of `spec` on one of the seeds 0 .. seeds-1 violates
// `property` (with `signature`, unless empty).
inline bool AnySeedViolates(const std::string& spec, absl::string_view property,
                            absl::string_view signature, uint64_t seeds) {
  for (uint64_t seed = 0; seed < seeds; ++seed) {
    if (RunSeed(spec, seed).Violates(property, signature)) return true;
  }
  return false;
}

}  // namespace models::testing

#endif  // HANGUP_TESTS_MODELS_TEST_UTIL_H_
