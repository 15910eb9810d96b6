#include "check/checked_scenario.h"

#include <utility>

#include "check/transparency.h"

namespace check {

absl::StatusOr<std::unique_ptr<CheckedScenario>> CheckedScenario::Create(
    const models::ScenarioSpec& spec, const PropertyOptions& properties,
    std::string program) {
  absl::StatusOr<std::unique_ptr<models::Scenario>> scenario =
      models::Scenario::Create(spec);
  if (!scenario.ok()) return scenario.status();
  return std::make_unique<CheckedScenario>(*std::move(scenario), properties,
                                           std::move(program));
}

CheckedScenario::CheckedScenario(std::unique_ptr<models::Scenario> scenario,
                                 const PropertyOptions& properties,
                                 std::string program)
    : scenario_(std::move(scenario)),
      properties_(properties),
      program_(program.empty() ? scenario_->Name() : std::move(program)) {
  transparency_ = !scenario_->spec().middleware.empty() &&
                  properties_.only.Has(PropertyIndex(TwinProperty()));
}

std::string CheckedScenario::Check(sim::Executor& executor,
                                   const sim::RunResult& result) {
  scenario_->Check(executor, result);
  violations_ = CheckProperties(scenario_->outcome(), result, properties_);
  CheckExpectations(properties_.expectations, scenario_->outcome(), result,
                    violations_);
  if (violations_.empty() && transparency_) {
    if (!twin_verdict_) twin_verdict_ = CompareTwins(scenario_->spec());
    if (*twin_verdict_) violations_.push_back(**twin_verdict_);
  }
  return violations_.empty() ? std::string() : violations_.front().ToString();
}

}  // namespace check
