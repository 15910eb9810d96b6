// Helpers for the model tests: run a scenario given as a spec string on a
// tape (or a seed) and return what the run produced.
#ifndef HANGUP_TESTS_MODELS_TEST_UTIL_H_
#define HANGUP_TESTS_MODELS_TEST_UTIL_H_

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "models/explorer.h"
#include "models/outcome.h"
#include "models/properties.h"
#include "models/scenario.h"
#include "sim/program.h"
#include "sim/random_source.h"

namespace models::testing {

struct Ran {
  Outcome outcome;
  std::vector<Violation> violations;
  sim::RunReport report;

  bool Violates(const std::string& property,
                const std::string& signature = "") const {
    for (const Violation& v : violations) {
      if (v.property == property &&
          (signature.empty() || v.signature == signature))
        return true;
    }
    return false;
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
                   const std::vector<uint8_t>& tape = {}) {
  Ran r;
  r.violations = ReplayViolations(Spec(spec), tape, PropertyOptions{},
                                  &r.report, &r.outcome);
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

}  // namespace models::testing

#endif  // HANGUP_TESTS_MODELS_TEST_UTIL_H_
