#include "cli/matrix.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "cli/scenario_flags.h"
#include "models/server/presets.h"

namespace cli {
namespace {

struct Pair {
  const char* app;
  const char* client;
};

constexpr Pair kHttpPairs[] = {
    {"sse-stream", "http-close-at-random"},
    {"stream-with-listener", "http-close-at-random"},
    {"stream-taskgroup", "http-close-at-random"},
    {"receive-after-disconnect", "http-fin-after-request"},
    {"send-after-complete", "http-full"},
    {"cleanup-background", "http-full"},
    {"sse-idle", "http-fin-after-1"},
    {"check-results", "http-close-at-random"},
    {"bulk-stream", "http-slow-then-rst"},
    {"long-poll", "http-fin-after-1"},
    {"sse-stream", "http-fin-after-1"},
};

constexpr Pair kWsPairs[] = {
    {"ws-push", "ws-close-at-random"},
    {"ws-tight-push", "ws-close-at-random"},
    {"ws-reader-producer", "ws-close-at-random"},
    {"ws-close-on-disconnect", "ws-close-at-random"},
    {"ws-receive-after-close", "ws-close-at-random"},
    {"ws-close-then-send", "ws-normal"},
    {"ws-slow-accept", "ws-rst-before-accept"},
    {"ws-tight-push", "ws-close-1000"},
    {"ws-close-on-disconnect", "ws-fin"},
    {"ws-close-on-disconnect", "ws-rst"},
    {"ws-bulk-push", "ws-stall-then-rst"},
};

}  // namespace

std::vector<models::ScenarioSpec> DefaultMatrix() {
  std::vector<models::ScenarioSpec> out;
  for (const models::Preset& p : models::Presets()) {
    if (p.http) {
      for (const Pair& pair : kHttpPairs)
        out.push_back({p.name, {}, pair.app, pair.client});
    }
    if (p.websocket) {
      for (const Pair& pair : kWsPairs)
        out.push_back({p.name, {}, pair.app, pair.client});
    }
  }
  // Middleware: Starlette's BaseHTTPMiddleware, old and current.
  out.push_back({"uvicorn-0.17.6-h11",
                 {"base-http"},
                 "disconnect-poller",
                 "http-close-at-random"});
  out.push_back(
      {"uvicorn-0.17.6-h11", {"base-http"}, "cleanup-background", "http-full"});
  out.push_back({"uvicorn-0.17.6-h11",
                 {"base-http-0.20"},
                 "cleanup-background",
                 "http-fin-after-5"});
  out.push_back({"uvicorn-0.17.6-h11",
                 {"passthrough"},
                 "stream-with-listener",
                 "http-close-at-random"});
  return out;
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
  for (models::ScenarioSpec spec : DefaultMatrix()) {
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

}  // namespace cli
