// hangup: explore, shrink and replay races between an ASGI app's send() and
// a client that goes away.
//
// clang-format off
//   hangup                    the main job: the default matrix, findings
//   hangup list               servers, apps, middleware, clients, properties,
//                             strategies
//   hangup run --server=S --app=A --client=C [--middleware=M]...
//              [--seed=N | --tape=HEX]
//   hangup explore ...        (see --help)
//   hangup replay FILE|TOKEN
//   hangup shrink FILE|TOKEN
// clang-format on
//
// Flags live only here; they are copied into options structs.
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/commands.h"
#include "models/server/policy.h"

ABSL_FLAG(std::string, server, "", "server preset (hangup list)");
ABSL_FLAG(std::vector<std::string>, middleware, {},
          "middleware, outermost first (repeat or comma-separate)");
ABSL_FLAG(std::string, app, "", "app model");
ABSL_FLAG(std::string, client, "", "client model");
ABSL_FLAG(std::string, scenario, "",
          "a whole scenario spec: server=...,mw=...,app=...,client=...");
ABSL_FLAG(uint64_t, seed, 0, "root seed");
ABSL_FLAG(std::string, strategy, "random",
          "random, pct, pct:d=N, dfs, dfs:pb=N, swarm");
ABSL_FLAG(std::string, tape, "", "run: replay this tape (hex)");
ABSL_FLAG(bool, json, false, "print JSON for programs instead of text");
ABSL_FLAG(bool, steps, false,
          "run/replay: include every scheduling step in the timeline");
ABSL_FLAG(int64_t, runs, 0,
          "explore: executions per scenario (0: until --time)");
ABSL_FLAG(double, time, 0,
          "explore: wall-clock seconds of runs, then what was found is shrunk "
          "(0: no limit; the default job: 50)");
ABSL_FLAG(int, jobs, 0,
          "explore: worker threads, 0 = one per core (results do not depend "
          "on it)");
ABSL_FLAG(std::string, out, "",
          "explore: directory for corpus files of findings");
ABSL_FLAG(std::vector<std::string>, properties, {},
          "properties to check (default: all)");
ABSL_FLAG(
    int64_t, bound_receive_ms, 1000,
    "property bound: a waiting receive() gets the disconnect within this");
ABSL_FLAG(int64_t, bound_app_end_ms, 30000,
          "property bound: the app ends within this after the disconnect");
ABSL_FLAG(bool, no_shrink, false, "explore: report findings unshrunk");
ABSL_FLAG(bool, progress, true, "explore: a progress line on a terminal");

namespace {

// Policy overrides may be given as --<field>=<value> (e.g.
// --send-after-close=future); they are taken out before absl parses flags.
std::vector<char*> ExtractPolicyFlags(
    int argc, char** argv,
    std::vector<std::pair<std::string, std::string>>* out) {
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    absl::string_view a = argv[i];
    if (i > 0 && absl::StartsWith(a, "--")) {
      absl::string_view body = a.substr(2);
      const size_t eq = body.find('=');
      const absl::string_view name = body.substr(0, eq);
      if (models::FindPolicyField(name) != nullptr) {
        if (eq == absl::string_view::npos) {
          std::fprintf(stderr, "hangup: --%s needs a value (--%s=VALUE)\n",
                       std::string(name).c_str(), std::string(name).c_str());
          std::exit(2);
        }
        out->emplace_back(std::string(name), std::string(body.substr(eq + 1)));
        continue;
      }
    }
    rest.push_back(argv[i]);
  }
  return rest;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "explore ASGI send()/disconnect races deterministically.\n"
      "  hangup                      the default exploration and findings "
      "table\n"
      "  hangup list                 what can be named\n"
      "  hangup run [scenario flags] one execution: timeline and outcome "
      "record\n"
      "  hangup explore [flags]      search for property violations\n"
      "  hangup replay FILE|TOKEN    replay a corpus file or token; exit 1 "
      "if the verdict differs\n"
      "  hangup shrink FILE|TOKEN    shrink a failing tape\n"
      "Scenario flags: --server --middleware --app --client, or "
      "--scenario=SPEC, and policy\n"
      "overrides such as --send-after-close=future.");
  std::vector<std::pair<std::string, std::string>> overrides;
  std::vector<char*> args = ExtractPolicyFlags(argc, argv, &overrides);
  int n = static_cast<int>(args.size());
  std::vector<char*> positional = absl::ParseCommandLine(n, args.data());

  cli::CommonOptions opts;
  opts.server = absl::GetFlag(FLAGS_server);
  for (const std::string& m : absl::GetFlag(FLAGS_middleware)) {
    if (!m.empty()) opts.middleware.push_back(m);
  }
  opts.app = absl::GetFlag(FLAGS_app);
  opts.client = absl::GetFlag(FLAGS_client);
  opts.scenario = absl::GetFlag(FLAGS_scenario);
  opts.overrides = std::move(overrides);
  opts.seed = absl::GetFlag(FLAGS_seed);
  opts.strategy = absl::GetFlag(FLAGS_strategy);
  opts.tape = absl::GetFlag(FLAGS_tape);
  opts.json = absl::GetFlag(FLAGS_json);
  opts.steps = absl::GetFlag(FLAGS_steps);
  opts.runs = absl::GetFlag(FLAGS_runs);
  opts.time_seconds = absl::GetFlag(FLAGS_time);
  opts.jobs = absl::GetFlag(FLAGS_jobs);
  opts.out_dir = absl::GetFlag(FLAGS_out);
  opts.properties = absl::GetFlag(FLAGS_properties);
  opts.bound_receive_ms = absl::GetFlag(FLAGS_bound_receive_ms);
  opts.bound_app_end_ms = absl::GetFlag(FLAGS_bound_app_end_ms);
  opts.shrink = !absl::GetFlag(FLAGS_no_shrink);
  opts.progress = absl::GetFlag(FLAGS_progress);
  for (size_t i = 2; i < positional.size(); ++i)
    opts.args.push_back(positional[i]);

  const std::string command = positional.size() > 1 ? positional[1] : "";
  return cli::Dispatch(command, opts);
}
