#include "cli/scenario_flags.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "harness/campaign.h"
#include "harness/matrix.h"
#include "harness/scenario_file.h"
#include "models/asgi/outcome.h"

namespace cli {

absl::StatusOr<models::ScenarioSpec> SpecFromFlags(const CommonOptions& o) {
  models::ScenarioSpec spec;
  if (!o.scenario.empty()) {
    absl::StatusOr<models::ScenarioSpec> parsed =
        models::ScenarioSpec::Parse(o.scenario);
    if (!parsed.ok()) return parsed.status();
    spec = *std::move(parsed);
  }
  if (!o.server.empty()) spec.server = o.server;
  if (!o.app.empty()) spec.app = o.app;
  if (!o.client.empty()) spec.client = o.client;
  if (!o.middleware.empty()) spec.middleware = o.middleware;
  for (const auto& kv : o.overrides) spec.overrides.push_back(kv);
  if (spec.server.empty() || spec.app.empty() || spec.client.empty()) {
    return absl::InvalidArgumentError(
        "a scenario needs --server, --app and --client (or "
        "--scenario=server=...,app=...,"
        "client=...); `hangup list` shows the names");
  }
  return spec;
}

absl::StatusOr<harness::Target> TargetFromFile(const std::string& path) {
  absl::StatusOr<harness::ScenarioFile> f = harness::ReadScenarioFile(path);
  if (!f.ok()) return f.status();
  return harness::Target{f->spec, f->properties, f->Program()};
}

absl::StatusOr<std::vector<harness::Target>> TargetsFromFlags(
    const CommonOptions& o, const check::PropertyOptions& properties) {
  std::vector<harness::Target> out;
  for (const std::string& arg : o.args) {
    if (!harness::LooksLikeScenarioFile(arg)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "'", arg, "': expected scenario files (*.yaml or *.yml)"));
    }
    absl::StatusOr<harness::Target> t = TargetFromFile(arg);
    if (!t.ok()) return t.status();
    out.push_back(*std::move(t));
  }
  if (!out.empty()) return out;
  absl::StatusOr<std::vector<models::ScenarioSpec>> specs =
      ScenariosFromFlags(o);
  if (!specs.ok()) return specs.status();
  return harness::Targets(*specs, properties);
}

absl::StatusOr<std::unique_ptr<check::CheckedScenario>> BuildScenario(
    const CommonOptions& o, const check::PropertyOptions& properties) {
  if (!o.args.empty()) {
    if (o.args.size() != 1 || !harness::LooksLikeScenarioFile(o.args[0])) {
      return absl::InvalidArgumentError(
          "run takes one scenario file (*.yaml or *.yml) or scenario flags");
    }
    absl::StatusOr<harness::Target> t = TargetFromFile(o.args[0]);
    if (!t.ok()) return t.status();
    return check::CheckedScenario::Create(t->spec, t->properties, t->program);
  }
  absl::StatusOr<models::ScenarioSpec> spec = SpecFromFlags(o);
  if (!spec.ok()) return spec.status();
  return check::CheckedScenario::Create(*spec, properties);
}

absl::StatusOr<std::vector<models::ScenarioSpec>> ScenariosFromFlags(
    const CommonOptions& o) {
  if (!o.scenario.empty() || (!o.app.empty() && !o.client.empty())) {
    absl::StatusOr<models::ScenarioSpec> spec = SpecFromFlags(o);
    if (!spec.ok()) return spec.status();
    if (absl::Status st = models::Scenario::Create(*spec).status(); !st.ok()) {
      return st;
    }
    return std::vector<models::ScenarioSpec>{*spec};
  }
  std::vector<models::ScenarioSpec> out;
  for (models::ScenarioSpec spec : harness::DefaultMatrix()) {
    if (!o.server.empty() && spec.server != o.server) continue;
    if (!o.app.empty() && spec.app != o.app) continue;
    if (!o.client.empty() && spec.client != o.client) continue;
    if (!o.middleware.empty()) spec.middleware = o.middleware;
    for (const auto& kv : o.overrides) spec.overrides.push_back(kv);
    out.push_back(spec);
  }
  if (out.empty()) {
    return absl::InvalidArgumentError(
        "no scenario of the default matrix matches --server/--app/--client; "
        "give --app and "
        "--client for a scenario of your own (`hangup list` shows the names)");
  }
  for (const models::ScenarioSpec& spec : out) {
    auto s = models::Scenario::Create(spec);
    if (!s.ok()) return s.status();
  }
  return out;
}

absl::StatusOr<check::PropertyOptions> PropertyOptionsFromFlags(
    const CommonOptions& o) {
  absl::StatusOr<check::PropertySet> only =
      check::PropertySet::FromNames(o.properties);
  if (!only.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--properties: ", only.status().message()));
  }
  check::PropertyOptions p;
  p.receive_bound = sim::Millis(o.bound_receive_ms);
  p.app_end_bound = sim::Millis(o.bound_app_end_ms);
  p.only = *only;
  return p;
}

absl::StatusOr<sim::StrategyConfig> StrategyFromFlags(const CommonOptions& o) {
  absl::StatusOr<sim::StrategyConfig> parsed = sim::ParseStrategy(o.strategy);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--strategy: ", parsed.status().message()));
  }
  return parsed;
}

}  // namespace cli
