#include "cli/scenario_flags.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "harness/findings.h"
#include "harness/matrix.h"
#include "models/asgi/outcome.h"
#include "sim/tape_source.h"
#include "sim/trace.h"

namespace cli {

int BadInput(absl::string_view command, const absl::Status& status) {
  std::fprintf(stderr, "hangup%s%s: %s\n", command.empty() ? "" : " ",
               std::string(command).c_str(),
               std::string(status.message()).c_str());
  return 2;
}

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

absl::StatusOr<std::unique_ptr<check::CheckedScenario>> BuildScenario(
    const CommonOptions& o, const check::PropertyOptions& properties) {
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

absl::StatusOr<Strategy> StrategyFromFlags(const CommonOptions& o) {
  Strategy out;
  const absl::string_view name =
      absl::string_view(o.strategy).substr(0, o.strategy.find(':'));
  if (name != "random" && name != "pct" && name != "dfs" &&
      o.strategy != "swarm") {
    return absl::InvalidArgumentError(
        absl::StrCat("--strategy: unknown strategy '", o.strategy,
                     "' (expected random, pct, pct:d=N, dfs, dfs:pb=N or "
                     "swarm)"));
  }
  out.swarm = o.strategy == "swarm";
  absl::StatusOr<sim::StrategyOptions> parsed =
      sim::ParseStrategy(out.swarm ? "random" : o.strategy);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--strategy: ", parsed.status().message()));
  }
  out.options = *parsed;
  out.options.seed = o.seed;
  return out;
}

void PrintRun(const check::CheckedScenario& s, const sim::RunReport& r,
              const CommonOptions& o) {
  const models::Outcome& out = s.outcome();
  if (o.json) {
    nlohmann::json j = {
        {"scenario", s.Name()},
        {"verdict", std::string(sim::RunVerdictName(r.result.verdict))},
        {"failure", r.failure},
        {"trace_hash", sim::HashToString(r.result.trace_hash)},
        {"steps", r.result.steps},
        {"tape", sim::TapeToHex(r.tape)},
        {"token", sim::ReplayToken{s.Name(), r.tape}.Encode()},
        {"outcome", nlohmann::json::parse(models::OutcomeToJson(out))}};
    std::puts(j.dump(2).c_str());
    return;
  }
  std::printf("scenario: %s\n", s.Name().c_str());
  std::printf("timeline:\n%s\n", r.Timeline(o.steps).c_str());
  std::printf("outcome:\n%s", models::OutcomeToText(out).c_str());
  std::printf("run: %s after %lld steps, trace hash %s\n",
              std::string(sim::RunVerdictName(r.result.verdict)).c_str(),
              static_cast<long long>(r.result.steps),
              sim::HashToString(r.result.trace_hash).c_str());
  if (r.failed()) std::printf("VIOLATION: %s\n", r.failure.c_str());
  std::printf("reproduce: %s\n",
              harness::ReproduceLine(s.Name(), r.tape).c_str());
}

void AppendListJson(nlohmann::json& j) {
  for (const check::PropertyInfo& p : check::Properties()) {
    j["properties"].push_back(
        {{"name", p.name}, {"meaning", p.meaning}, {"catches", p.bug_class}});
  }
  j["strategies"] = {
      {{"name", "random"},
       {"description", "seeded random walk over every choice"}},
      {{"name", "pct"},
       {"description", "PCT with bug depth d (pct:d=N, default 2)"}},
      {{"name", "dfs"},
       {"description",
        "bounded exhaustive search (dfs:pb=N preemption bound)"}},
      {{"name", "swarm"},
       {"description",
        "random walk; each seed also switches fault kinds off"}}};
}

void PrintListText() {
  std::printf("\nproperties (--properties, default all):\n");
  for (const check::PropertyInfo& p : check::Properties()) {
    std::printf("  %-26s %s\n  %-26s catches: %s\n", p.name, p.meaning, "",
                p.bug_class);
  }
  std::printf("\nstrategies (--strategy):\n");
  std::printf("  %-26s %s\n", "random", "seeded random walk over every choice");
  std::printf("  %-26s %s\n", "pct[:d=N]", "PCT, bug depth N (default 2)");
  std::printf("  %-26s %s\n", "dfs[:pb=N]",
              "bounded exhaustive search, preemption bound N");
  std::printf("  %-26s %s\n", "swarm",
              "random walk; each seed also switches fault kinds off");
}

}  // namespace cli
