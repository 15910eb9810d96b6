#include "fuzz/fuzz_runner.h"

#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "check/properties.h"
#include "harness/findings.h"
#include "sim/check.h"
#include "sim/tape_source.h"

namespace fuzz {

std::string ScenarioRunner::Run::Reproducer() const {
  return harness::ReproduceLine(scenario, report.tape);
}

namespace {

// The tapes whose violations are known: the all-zero tape, then the listed.
std::vector<std::vector<uint8_t>> KnownTapes(size_t index,
                                             const FuzzScenario& fs) {
  std::vector<std::vector<uint8_t>> out = {{}};
  for (absl::string_view hex :
       absl::StrSplit(fs.known_tapes, ' ', absl::SkipEmpty())) {
    absl::StatusOr<std::vector<uint8_t>> tape = sim::TapeFromHex(hex);
    SIM_CHECK(tape.ok()) << "fuzz scenario " << index << " known tape '" << hex
                         << "': " << tape.status().message();
    out.push_back(*std::move(tape));
  }
  return out;
}

std::unique_ptr<check::CheckedScenario> Build(size_t index,
                                              const FuzzScenario& fs) {
  absl::StatusOr<models::ScenarioSpec> spec =
      models::ScenarioSpec::Parse(fs.spec);
  SIM_CHECK(spec.ok()) << "fuzz scenario " << index << " '" << fs.spec
                       << "': " << spec.status().message();
  auto scenario =
      check::CheckedScenario::Create(*spec, check::PropertyOptions{});
  SIM_CHECK(scenario.ok()) << "fuzz scenario " << index << " '" << fs.spec
                           << "': " << scenario.status().message();
  return *std::move(scenario);
}

}  // namespace

ScenarioRunner::ScenarioRunner() {
  const absl::Span<const FuzzScenario> scenarios = FuzzScenarios();
  slots_.resize(scenarios.size());
  for (size_t i = 0; i < scenarios.size(); ++i) {
    Slot& slot = slots_[i];
    slot.scenario = Build(i, scenarios[i]);
    for (const std::vector<uint8_t>& tape : KnownTapes(i, scenarios[i])) {
      sim::ReplayTape(*slot.scenario, tape, slot.scenario->executor_options());
      for (const check::Violation& v : slot.scenario->violations()) {
        if (slot.known_keys.emplace(v.property, v.signature).second) {
          slot.known.push_back(v);
        }
      }
    }
  }
}

ScenarioRunner::~ScenarioRunner() = default;

ScenarioRunner::Run ScenarioRunner::RunDecoded(const FuzzInput& in) {
  SIM_CHECK(in.scenario < slots_.size())
      << "fuzz scenario index " << in.scenario << " out of range";
  Slot& slot = slots_[in.scenario];
  check::CheckedScenario& scenario = *slot.scenario;
  Run run;
  run.scenario = scenario.Name();
  run.report = sim::ReplayTape(scenario, in.tape, scenario.executor_options());
  run.violations = scenario.violations();
  for (const check::Violation& v : run.violations) {
    if (!slot.known_keys.contains({v.property, v.signature})) {
      run.fresh.push_back(v);
    }
  }
  return run;
}

const std::vector<check::Violation>& ScenarioRunner::known(size_t index) const {
  SIM_CHECK(index < slots_.size())
      << "fuzz scenario index " << index << " out of range";
  return slots_[index].known;
}

}  // namespace fuzz
