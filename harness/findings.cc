#include "harness/findings.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "check/checked_scenario.h"
#include "sim/check.h"

namespace harness {
namespace {

// The last of `violations` with the property and signature of `like`.
const check::Violation* LastMatch(
    const std::vector<check::Violation>& violations,
    const check::Violation& like) {
  const check::Violation* out = nullptr;
  for (const check::Violation& v : violations) {
    if (v.property == like.property && v.signature == like.signature) out = &v;
  }
  return out;
}

}  // namespace

std::string Finding::Token() const {
  return sim::ReplayToken{scenario, tape}.Encode();
}

std::string Finding::OriginalToken() const {
  return sim::ReplayToken{scenario, original_tape}.Encode();
}

uint64_t Fnv1a(absl::string_view text) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::string FindingKey(const check::Violation& v, absl::string_view scenario) {
  return absl::StrCat(v.property, "|", scenario, "|", v.signature);
}

std::string ReproduceLine(absl::string_view scenario,
                          const std::vector<uint8_t>& tape) {
  return absl::StrCat("hangup replay ",
                      sim::ReplayToken{std::string(scenario), tape}.Encode());
}

absl::StatusOr<Replayed> ReplaySpec(const models::ScenarioSpec& spec,
                                    const std::vector<uint8_t>& tape,
                                    const check::PropertyOptions& properties,
                                    bool record_trace) {
  return ReplayTarget(Target{spec, properties, ""}, tape, record_trace);
}

absl::StatusOr<Replayed> ReplayTarget(const Target& target,
                                      const std::vector<uint8_t>& tape,
                                      bool record_trace) {
  auto scenario = check::CheckedScenario::Create(target.spec, target.properties,
                                                 target.program);
  if (!scenario.ok()) return scenario.status();
  check::CheckedScenario& s = **scenario;
  Replayed out;
  out.report = sim::ReplayTape(s, tape, s.executor_options(record_trace));
  out.outcome = s.outcome();
  out.violations = s.violations();
  return out;
}

ShrunkFinding ShrinkFinding(const Target& target,
                            const std::vector<uint8_t>& tape,
                            const check::Violation& violation,
                            const sim::ShrinkOptions& options) {
  auto scenario = check::CheckedScenario::Create(target.spec, target.properties,
                                                 target.program);
  SIM_CHECK(scenario.ok()) << scenario.status().message();
  check::CheckedScenario& s = **scenario;
  const sim::ExecutorOptions exec = s.executor_options();
  auto still_fails = [&](const std::vector<uint8_t>& candidate) {
    sim::ReplayTape(s, candidate, exec);
    return LastMatch(s.violations(), violation) != nullptr;
  };
  sim::ShrinkResult shrunk = sim::ShrinkTape(tape, still_fails, options);
  ShrunkFinding out;
  out.attempts = shrunk.attempts;
  // Normalise: the tape the shrunk run actually consumed, when it still
  // fails. The hash and violation are those of a replay of the tape kept.
  sim::RunReport run = sim::ReplayTape(s, shrunk.tape, exec);
  std::vector<check::Violation> violations = s.violations();
  out.tape = std::move(shrunk.tape);
  if (run.tape != out.tape) {
    std::vector<uint8_t> consumed = run.tape;
    sim::RunReport again = sim::ReplayTape(s, consumed, exec);
    if (LastMatch(s.violations(), violation) != nullptr) {
      out.tape = std::move(consumed);
      run = std::move(again);
      violations = s.violations();
    }
  }
  out.trace_hash = run.result.trace_hash;
  const check::Violation* match = LastMatch(violations, violation);
  out.violation = match != nullptr ? *match : violation;
  return out;
}

}  // namespace harness
