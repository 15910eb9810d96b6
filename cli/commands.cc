#include "cli/commands.h"

#include <cstdio>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/scenario_flags.h"
#include "models/app/apps.h"
#include "models/app/middleware.h"
#include "models/client/client.h"
#include "models/asgi/outcome.h"
#include "models/server/presets.h"
#include "check/checked_scenario.h"
#include "check/properties.h"
#include "models/scenario.h"
#include "nlohmann/json.hpp"
#include "sim/explore.h"
#include "sim/program.h"
#include "sim/swarm_source.h"
#include "sim/tape_source.h"
#include "sim/trace.h"

namespace cli {

int Dispatch(const std::string& command, const CommonOptions& o) {
  if (command.empty()) return DefaultJob(o);
  if (command == "list") return List(o);
  if (command == "run") return Run(o);
  if (command == "explore") return Explore(o);
  if (command == "replay") return Replay(o);
  if (command == "shrink") return Shrink(o);
  std::fprintf(stderr,
               "hangup: unknown command '%s' (expected list, run, explore, "
               "replay or shrink; "
               "none runs the default job)\n",
               command.c_str());
  return 2;
}

int List(const CommonOptions& o) {
  if (!o.args.empty() && o.args[0] == "presets-markdown") {
    std::fputs(models::PresetsMarkdown().c_str(), stdout);
    return 0;
  }
  if (o.json) {
    nlohmann::json j;
    for (const models::Preset& p : models::Presets()) {
      j["servers"].push_back({{"name", p.name},
                              {"description", p.description},
                              {"http", p.http},
                              {"websocket", p.websocket}});
    }
    for (const models::AppInfo& a : models::Apps()) {
      j["apps"].push_back(
          {{"name", a.name},
           {"description", a.description},
           {"protocol", std::string(models::ProtocolName(a.protocol))}});
    }
    for (const models::MiddlewareInfo& m : models::Middlewares()) {
      j["middleware"].push_back(
          {{"name", m.name}, {"description", m.description}});
    }
    for (const models::ClientInfo& c : models::Clients()) {
      j["clients"].push_back(
          {{"name", c.name},
           {"description", c.description},
           {"protocol", std::string(models::ProtocolName(c.protocol))}});
    }
    for (const models::PolicyField& f : models::PolicyFields()) {
      j["policy_fields"].push_back({{"name", f.name},
                                    {"description", f.description},
                                    {"values", f.values}});
    }
    AppendListJson(j);
    std::puts(j.dump(2).c_str());
    return 0;
  }
  std::printf("servers (--server):\n");
  for (const models::Preset& p : models::Presets()) {
    std::printf("  %-26s %s%s\n", p.name.c_str(), p.description.c_str(),
                p.http && p.websocket ? ""
                : p.http              ? " [HTTP]"
                                      : " [WebSocket]");
  }
  std::printf("\napps (--app):\n");
  for (const models::AppInfo& a : models::Apps()) {
    std::printf("  %-26s %s [%s]\n", a.name, a.description,
                a.protocol == models::Protocol::kHttp ? "HTTP" : "WebSocket");
  }
  std::printf("\nmiddleware (--middleware, repeatable, outermost first):\n");
  for (const models::MiddlewareInfo& m : models::Middlewares()) {
    std::printf("  %-26s %s\n", m.name, m.description);
  }
  std::printf("\nclients (--client):\n");
  for (const models::ClientInfo& c : models::Clients()) {
    std::printf("  %-26s %s [%s]\n", c.name, c.description,
                c.protocol == models::Protocol::kHttp ? "HTTP" : "WebSocket");
  }
  std::printf("\npolicy overrides (--FIELD=VALUE):\n");
  for (const models::PolicyField& f : models::PolicyFields()) {
    std::printf("  --%-26s %s%s%s\n", f.name, f.description,
                f.values.empty() ? "" : ": ",
                absl::StrJoin(f.values, "|").c_str());
  }
  PrintListText();
  return 0;
}

namespace {

// One run of `s` under --strategy (random, pct or swarm) and --seed.
sim::RunReport RunWithStrategy(check::CheckedScenario& s, const Strategy& strategy,
                               const sim::ExecutorOptions& exec) {
  const sim::StrategyOptions& options = strategy.options;
  std::unique_ptr<sim::ChoiceSource> source = sim::MakeRunSource(
      options, 0,
      options.kind == sim::StrategyKind::kPct ? sim::MeasureChoices(s, exec)
                                              : 0);
  if (!strategy.swarm) return sim::RunProgram(s, *source, exec);
  sim::SwarmSource swarm(*source, sim::SwarmSource::MaskFromSeed(
                                      sim::DeriveSeed(options.seed, 0)));
  return sim::RunProgram(s, swarm, exec);
}

}  // namespace

int Run(const CommonOptions& o) {
  absl::StatusOr<check::PropertyOptions> props = PropertyOptionsFromFlags(o);
  if (!props.ok()) return BadInput("run", props.status());
  absl::StatusOr<std::unique_ptr<check::CheckedScenario>> scenario =
      BuildScenario(o, *props);
  if (!scenario.ok()) return BadInput("run", scenario.status());
  check::CheckedScenario& s = **scenario;
  const sim::ExecutorOptions exec = s.executor_options(/*record_trace=*/true);
  sim::RunReport r;
  if (!o.tape.empty()) {
    absl::StatusOr<std::vector<uint8_t>> tape = sim::TapeFromHex(o.tape);
    if (!tape.ok()) {
      return BadInput("run", absl::InvalidArgumentError(absl::StrCat(
                                 "--tape: ", tape.status().message())));
    }
    r = sim::ReplayTape(s, *tape, exec);
  } else {
    absl::StatusOr<Strategy> strategy = StrategyFromFlags(o);
    if (!strategy.ok()) return BadInput("run", strategy.status());
    if (strategy->options.kind == sim::StrategyKind::kDfs) {
      return BadInput("run", absl::InvalidArgumentError(
                                 "--strategy: run takes random, pct or swarm "
                                 "(dfs explores many runs: use explore)"));
    }
    r = RunWithStrategy(s, *strategy, exec);
  }
  PrintRun(s, r, o);
  return 0;
}

}  // namespace cli
