// Runs fuzz inputs (fuzz/fuzz_input.h) on their scenarios with every property
// checked, and tells new violations from known ones.
//
// A violation is "known" when the scenario's all-zero tape (the simplest run:
// no preemption, no fault, shortest delays, default picks), or one of its
// listed known tapes (the corpus's, FuzzScenario::known_tapes), breaks the
// same property with the same signature. Real servers break properties on
// their simplest runs, so a fuzzer stopping on every violation would stop at
// once; reporting only the others makes it hunt for violations that need a
// specific interleaving. The key is (property, signature) within the
// scenario, as a campaign's de-duplication key (harness::FindingKey).
//
//   fuzz::ScenarioRunner runner;  // builds the scenarios, runs their 0 tapes
//   fuzz::ScenarioRunner::Run run = runner.RunInput({data, size});
//   for (const check::Violation& v : run.fresh) ... run.Reproducer() ...
//
// Deterministic: a run depends on the input bytes only. Thread-safety: one
// runner per thread (it reuses one Scenario per list entry).
#ifndef HANGUP_FUZZ_FUZZ_RUNNER_H_
#define HANGUP_FUZZ_FUZZ_RUNNER_H_

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/types/span.h"
#include "check/checked_scenario.h"
#include "check/violation.h"
#include "fuzz/fuzz_input.h"
#include "models/asgi/outcome.h"
#include "models/scenario.h"
#include "sim/program.h"

namespace fuzz {

class ScenarioRunner {
 public:
  struct Run {
    std::string scenario;  // the spec, canonical
    sim::RunReport report;
    std::vector<check::Violation> violations;  // every one the run broke
    std::vector<check::Violation> fresh;       // those not known

    // "hangup replay hangup1:<scenario>:<tape hex>", with the tape as the
    // run consumed it (trailing zeros and unread bytes dropped).
    std::string Reproducer() const;
  };

  // Builds every scenario of FuzzScenarios() with the default property
  // options and runs each on its all-zero tape and known tapes. A spec that
  // does not build (a renamed preset, app or client) or a known tape that is
  // not hex fails a SIM_CHECK naming it.
  ScenarioRunner();
  ~ScenarioRunner();
  ScenarioRunner(const ScenarioRunner&) = delete;
  ScenarioRunner& operator=(const ScenarioRunner&) = delete;

  Run RunInput(absl::Span<const uint8_t> data) {
    return RunDecoded(DecodeFuzzInput(data));
  }
  // REQUIRES: in.scenario < FuzzScenarios().size().
  Run RunDecoded(const FuzzInput& in);

  // What the all-zero tape and known tapes of scenario `index` break.
  const std::vector<check::Violation>& known(size_t index) const;

 private:
  struct Slot {
    std::unique_ptr<check::CheckedScenario> scenario;
    std::vector<check::Violation> known;
    std::set<std::pair<std::string, std::string>> known_keys;
  };
  std::vector<Slot> slots_;
};

}  // namespace fuzz

#endif  // HANGUP_FUZZ_FUZZ_RUNNER_H_
