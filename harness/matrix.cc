#include "harness/matrix.h"

#include "models/server/presets.h"

namespace harness {
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

}  // namespace harness
