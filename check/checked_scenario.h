// A scenario with its properties checked on every run: a sim::Program
// decorator (in the spirit of leveldb's EnvWrapper) whose Check judges the
// scenario's finished outcome with CheckProperties and, when the scenario has
// middleware, middleware-transparency (computed once, on the first run that
// passes the others, and kept).
//
//   absl::StatusOr<std::unique_ptr<check::CheckedScenario>> s =
//       check::CheckedScenario::Create(spec, check::PropertyOptions{});
//   sim::RunReport r = sim::ReplayTape(**s, tape, (*s)->executor_options());
//   for (const check::Violation& v : (*s)->violations()) ...
//   const models::Outcome& o = (*s)->outcome();
//
// The run's failure line (RunReport::failure) is the first violation.
// Thread-safety: one run at a time; use one per thread.
#ifndef HANGUP_CHECK_CHECKED_SCENARIO_H_
#define HANGUP_CHECK_CHECKED_SCENARIO_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "check/properties.h"
#include "check/violation.h"
#include "models/scenario.h"
#include "sim/program.h"

namespace check {

class CheckedScenario : public sim::Program {
 public:
  // Builds the scenario; the error is Scenario::Create's. `program` names
  // it in replay tokens ("" = the spec's canonical form).
  static absl::StatusOr<std::unique_ptr<CheckedScenario>> Create(
      const models::ScenarioSpec& spec, const PropertyOptions& properties,
      std::string program = "");
  CheckedScenario(std::unique_ptr<models::Scenario> scenario,
                  const PropertyOptions& properties, std::string program = "");

  std::string Name() const override { return program_; }
  void Start(sim::Executor& executor) override { scenario_->Start(executor); }
  std::string Check(sim::Executor& executor,
                    const sim::RunResult& result) override;
  void Finish() override { scenario_->Finish(); }

  sim::ExecutorOptions executor_options(bool record_trace = false) const {
    return scenario_->executor_options(record_trace);
  }
  // The last finished run's outcome and the properties it violated.
  const models::Outcome& outcome() const { return scenario_->outcome(); }
  const std::vector<Violation>& violations() const { return violations_; }

 private:
  std::unique_ptr<models::Scenario> scenario_;
  PropertyOptions properties_;
  std::string program_;
  bool transparency_ = false;  // checked: has middleware, property enabled
  std::optional<std::optional<Violation>> twin_verdict_;  // once computed
  std::vector<Violation> violations_;
};

}  // namespace check

#endif  // HANGUP_CHECK_CHECKED_SCENARIO_H_
