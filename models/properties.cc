#include "models/properties.h"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "models/asgi/registry.h"
#include "models/asgi/spec_machine.h"
#include "sim/program.h"

namespace models {
namespace {

constexpr PropertyInfo kProperties[] = {
    {"foreign-exception",
     "send() after the client left raises nothing but the server's own OSError "
     "subclass",
     "#2 websockets/wsproto leaks, #8 uvloop RuntimeError, #11 "
     "LocalProtocolError, #12 bare OSError"},
    {"spec-version",
     "the advertised spec_version matches send(): >=2.4 raises OSError after "
     "the close, <2.4 is a no-op",
     "frameworks trusting the version (Starlette >= 0.42 drops its listener on "
     "2.4)"},
    {"error-log",
     "a normal client disconnect produces no ERROR log, also through task "
     "groups and middleware",
     "#3, #4 RuntimeError logs, #6 ExceptionGroup-wrapped ClientDisconnected"},
    {"log-volume",
     "few log lines per disconnected connection (bound: log_lines_bound)",
     "granian#650 INFO per failed chunk"},
    {"disconnect-delivery",
     "a waiting receive() gets the disconnect within the bound, and every "
     "later receive() too",
     "#1 wsproto FIN, #9 hypercorn FIN, #10, #17 is_disconnected under "
     "BaseHTTPMiddleware"},
    {"zombie", "the app task ends within the bound after the client left",
     "#1, #17, #19 granian"},
    {"phantom-delivery",
     "nothing is reported delivered (SendResult, future) that the client never "
     "got",
     "ref property 7: buffers that accept bytes after the close"},
    {"invalid-transition",
     "invalid messages raise whatever the disconnect state, valid ones do not; "
     "errors blame the right "
     "party; a second close or a close after the disconnect is a no-op",
     "#3 blame, #4 close after disconnect, #5, #11 second close"},
    {"close-code",
     "websocket.disconnect carries the peer's close code (1005 if none, 1006 "
     "if abnormal)",
     "ref property 9: wsproto without code, hypercorn 1006 for 1000"},
    {"cleanup-once",
     "cleanup (finally) runs exactly once, also under cancellation",
     "#14, #24"},
    {"background-work",
     "work after the response is not cancelled by the disconnect",
     "#14 Starlette < 0.21, #21 daphne kill"},
    {"send-blocks", "send() never blocks forever once the client is gone",
     "ref property 5: flow control not released on connection loss"},
    {"middleware-transparency",
     "adding pass-through middleware changes no disconnect observability, "
     "completion or lifetime "
     "(checked on the simplest interleaving)",
     "#14, #16, #17, #18 BaseHTTPMiddleware"},
};

bool Enabled(const PropertyOptions& o, absl::string_view name) {
  if (o.only.empty()) return true;
  return std::find(o.only.begin(), o.only.end(), name) != o.only.end();
}

bool Closed(const Outcome& o) {
  return o.client_closed != sim::Time::Infinite();
}

void Add(std::vector<Violation>& out, const char* property,
         std::string signature, std::string detail) {
  out.push_back(Violation{property, std::move(signature), std::move(detail)});
}

// The spec's verdict on each send, in order (raised sends do not advance the
// state, as the server did not take them).
std::vector<SpecVerdict> SpecVerdicts(const Outcome& o) {
  SpecMachine spec(o.scope.protocol);
  std::vector<SpecVerdict> out;
  out.reserve(o.sends.size());
  for (const SendRecord& s : o.sends) {
    out.push_back(s.raised ? spec.Check(s.message) : spec.Apply(s.message));
  }
  return out;
}

bool AllValid(const std::vector<SpecVerdict>& verdicts) {
  for (SpecVerdict v : verdicts) {
    if (v != SpecVerdict::kValid) return false;
  }
  return true;
}

void CheckForeignException(const Outcome& o,
                           const std::vector<SpecVerdict>& verdicts,
                           std::vector<Violation>& out) {
  for (size_t i = 0; i < o.sends.size(); ++i) {
    const SendRecord& s = o.sends[i];
    // Only sends the spec allows: an invalid message is invalid-transition's.
    if (!s.raised || !s.after_client_close ||
        verdicts[i] != SpecVerdict::kValid)
      continue;
    if (s.error.IsA("ClientDisconnected") ||
        absl::string_view(s.error.type) == "CancelledError") {
      continue;
    }
    Add(out, "foreign-exception", s.error.type,
        absl::StrCat(s.message.ToString(), " after the client closed raised ",
                     s.error.type, " (", py::MroString(s.error.mro),
                     "), not the server's OSError subclass"));
    return;
  }
}

void CheckSpecVersion(const Outcome& o, std::vector<Violation>& out) {
  const int version = o.scope.EffectiveSpecVersion();
  for (const SendRecord& s : o.sends) {
    // A send interrupted by cancellation says nothing about the server.
    if (!s.after_server_notice ||
        absl::string_view(s.error.type) == "CancelledError") {
      continue;
    }
    if (version >= 24 && !(s.raised && s.error.IsA("OSError"))) {
      Add(out, "spec-version", s.raised ? s.error.type : "returned",
          absl::StrCat(
              "spec_version ", o.scope.SpecVersionString(),
              " promises OSError, but ", s.message.ToString(),
              " after the server noticed the close ",
              s.raised ? absl::StrCat("raised ", s.error.type) : "returned"));
      return;
    }
    if (version < 24 && s.raised && s.error.IsA("OSError")) {
      Add(out, "spec-version", s.error.type,
          absl::StrCat("spec_version ", o.scope.SpecVersionString(),
                       " promises a no-op, but ", s.message.ToString(),
                       " raised ", s.error.type));
      return;
    }
  }
}

void CheckLogs(const Outcome& o, const std::vector<SpecVerdict>& verdicts,
               const PropertyOptions& opts, std::vector<Violation>& out) {
  // An app that sent a message the spec rejects is not a normal disconnect.
  if (!Closed(o) || !AllValid(verdicts)) return;
  int after = 0;
  for (const LogLine& l : o.logs) {
    if (l.time < o.client_closed || l.level < LogLevel::kInfo) continue;
    ++after;
    if (l.level == LogLevel::kError && Enabled(opts, "error-log")) {
      std::string sig = l.text.substr(0, l.text.find('('));
      Add(out, "error-log", sig,
          absl::StrCat("ERROR ", l.logger, ": ", l.text, " at ",
                       l.time.ToString(), " after a normal client close at ",
                       o.client_closed.ToString()));
      break;
    }
  }
  if (after > opts.log_lines_bound && Enabled(opts, "log-volume")) {
    Add(out, "log-volume", "flood",
        absl::StrCat(after, " log lines after the client closed (bound ",
                     opts.log_lines_bound, ")"));
  }
}

void CheckDelivery(const Outcome& o, const sim::RunResult& r,
                   const PropertyOptions& opts, std::vector<Violation>& out) {
  if (!Closed(o)) return;
  const sim::Time close = o.client_closed;
  bool delivered = false;
  for (const ReceiveRecord& rec : o.receives) {
    const sim::Time due = std::max(rec.start, close) + opts.receive_bound;
    if (rec.cancelled && rec.time > due) {
      Add(out, "disconnect-delivery", delivered ? "once-then-blocks" : "never",
          absl::StrCat("receive() called at ", rec.start.ToString(),
                       " was still waiting at ", rec.time.ToString(), ", ",
                       (rec.time - close).ToString(),
                       " after the client closed",
                       delivered ? " (a disconnect came earlier)" : ""));
      return;
    }
    if (!rec.cancelled && rec.message.IsDisconnect()) {
      if (rec.time > due) {
        Add(out, "disconnect-delivery", "late",
            absl::StrCat("the disconnect came ", (rec.time - close).ToString(),
                         " after the client closed (bound ",
                         opts.receive_bound.ToString(), ")"));
        return;
      }
      delivered = true;
    }
  }
  if (o.receive_pending) {
    const sim::Time due =
        std::max(o.receive_pending_since, close) + opts.receive_bound;
    if (r.verdict == sim::RunVerdict::kQuiescent || o.end_time > due) {
      Add(out, "disconnect-delivery", delivered ? "once-then-blocks" : "never",
          absl::StrCat("receive() called at ",
                       o.receive_pending_since.ToString(),
                       " never returned (run ended at ", o.end_time.ToString(),
                       ", ", sim::RunVerdictName(r.verdict),
                       "); the client closed at ", close.ToString(),
                       delivered ? "; a disconnect came earlier" : ""));
    }
  }
}

void CheckZombie(const Outcome& o, const sim::RunResult& r,
                 const PropertyOptions& opts, std::vector<Violation>& out) {
  if (!Closed(o)) return;
  if (o.app_end == AppEnd::kRunning) {
    if (r.verdict == sim::RunVerdict::kQuiescent ||
        o.end_time - o.client_closed > opts.app_end_bound) {
      Add(out, "zombie", "running",
          absl::StrCat("the app was still running when the run ended at ",
                       o.end_time.ToString(), " (",
                       sim::RunVerdictName(r.verdict),
                       "); the client closed at ", o.client_closed.ToString()));
    }
    return;
  }
  if (o.app_end_time - o.client_closed > opts.app_end_bound) {
    Add(out, "zombie", "late-end",
        absl::StrCat("the app ended ",
                     (o.app_end_time - o.client_closed).ToString(),
                     " after the client closed (bound ",
                     opts.app_end_bound.ToString(), ")"));
  }
}

void CheckPhantom(const Outcome& o, std::vector<Violation>& out) {
  for (const SendRecord& s : o.sends) {
    const bool claims =
        (s.kind == SendReturnKind::kResult && s.claimed_delivered) ||
        (s.kind == SendReturnKind::kFuture && s.future_resolved &&
         s.claimed_delivered);
    if (!claims) continue;
    const auto& got = o.client.consumed_tags;
    if (s.wire_tag != 0 &&
        std::find(got.begin(), got.end(), s.wire_tag) != got.end())
      continue;
    Add(out, "phantom-delivery",
        s.kind == SendReturnKind::kResult ? "result" : "future",
        absl::StrCat(
            s.message.ToString(), " was reported delivered (",
            s.kind == SendReturnKind::kResult ? "SendResult" : "future",
            ") but the client never read it"));
    return;
  }
}

void CheckTransitions(const Outcome& o,
                      const std::vector<SpecVerdict>& verdicts,
                      std::vector<Violation>& out) {
  size_t next_receive = 0;
  bool disconnect_seen = false;
  for (size_t i = 0; i < o.sends.size(); ++i) {
    const SendRecord& s = o.sends[i];
    while (next_receive < o.receives.size() &&
           o.receives[next_receive].time <= s.time) {
      const ReceiveRecord& r = o.receives[next_receive++];
      if (!r.cancelled && r.message.IsDisconnect()) disconnect_seen = true;
    }
    const SpecVerdict v = verdicts[i];
    if (v == SpecVerdict::kValid) {
      if (s.raised && absl::StrContains(s.error.message,
                                        "after sending 'websocket.close'")) {
        Add(out, "invalid-transition", "blames-app-for-close",
            absl::StrCat(s.message.ToString(), " raised ", s.error.type, " \"", s.error.message,
                         "\" but the app never sent websocket.close"));
        return;
      }
      const bool close_after_disconnect =
          s.message.type == MessageType::kWsClose && disconnect_seen;
      if (close_after_disconnect && s.raised && !s.error.IsA("OSError")) {
        Add(out, "invalid-transition", "close-after-disconnect-raised",
            absl::StrCat("websocket.close after the app received "
                         "websocket.disconnect raised ",
                         s.error.type, ": ", s.error.message));
        return;
      }
      continue;
    }
    if (v == SpecVerdict::kInvalid && !s.raised) {
      Add(out, "invalid-transition", "accepted-silently",
          absl::StrCat(s.message.ToString(), " is invalid in this state but returned normally"));
      return;
    }
    if (v == SpecVerdict::kAfterComplete && s.raised) {
      Add(out, "invalid-transition", "raised-after-complete",
          absl::StrCat(s.message.ToString(), " after the response completed raised ", s.error.type,
                       "; the www spec says such messages are ignored"));
      return;
    }
    if (v == SpecVerdict::kAfterOwnClose &&
        s.message.type == MessageType::kWsClose && s.raised &&
        !s.error.IsA("OSError")) {
      Add(out, "invalid-transition", "second-close-raised",
          absl::StrCat("a second websocket.close raised ", s.error.type, ": ",
                       s.error.message));
      return;
    }
  }
}

void CheckCloseCode(const Outcome& o, std::vector<Violation>& out) {
  if (o.scope.protocol != Protocol::kWebSocket || !Closed(o)) return;
  const absl::string_view kind = ClientCloseKindName(o.client_close_kind);
  const int32_t expected =
      o.client_close_kind == ClientCloseKind::kCloseFrame
          ? (o.client_close_code == kNoCode ? 1005 : o.client_close_code)
          : 1006;
  for (const ReceiveRecord& r : o.receives) {
    if (r.cancelled || r.message.type != MessageType::kWsDisconnect) continue;
    if (r.time < o.client_closed)
      return;  // a disconnect for the app's own close
    if (r.message.code == kNoCode) {
      Add(out, "close-code", "missing",
          absl::StrCat("websocket.disconnect has no code after the client's ",
                       kind));
    } else if (r.message.code != expected) {
      Add(out, "close-code", absl::StrCat(r.message.code, "-for-", expected),
          absl::StrCat("websocket.disconnect code ", r.message.code,
                       " after the client's ", kind, " (expected ", expected,
                       ")"));
    }
    return;
  }
}

void CheckCleanup(const Outcome& o, std::vector<Violation>& out) {
  if (o.cleanups > 1) {
    Add(out, "cleanup-once", "twice",
        absl::StrCat("cleanup ran ", o.cleanups, " times"));
  } else if (o.cleanup_armed && o.app_end != AppEnd::kRunning &&
             o.cleanups == 0) {
    Add(out, "cleanup-once", "never",
        "the app ended but its cleanup never ran");
  }
}

void CheckBackground(const Outcome& o, std::vector<Violation>& out) {
  // The app ended (however: a middleware may absorb the cancellation) with
  // its work after the response started but not finished.
  if (o.background_started && !o.background_done &&
      o.app_end != AppEnd::kRunning) {
    Add(out, "background-work",
        o.cancelled_by_watchdog ? "killed-by-watchdog" : "cancelled",
        absl::StrCat("work after the response was cut short at ",
                     o.app_end_time.ToString(),
                     o.cancelled_by_watchdog ? " by the server's watchdog" : "",
                     "; the client closed at ", o.client_closed.ToString()));
  }
}

void CheckSendBlocks(const Outcome& o, const sim::RunResult& r,
                     const PropertyOptions& opts, std::vector<Violation>& out) {
  if (!o.send_pending || !Closed(o)) return;
  const sim::Time due =
      std::max(o.send_pending_since, o.client_closed) + opts.receive_bound;
  if (r.verdict == sim::RunVerdict::kQuiescent || o.end_time > due) {
    Add(out, "send-blocks", "blocked",
        absl::StrCat("send() called at ", o.send_pending_since.ToString(),
                     " never returned; the client closed at ",
                     o.client_closed.ToString()));
  }
}

// Observables a pass-through middleware must not change.
struct Observables {
  bool app_saw_disconnect = false;
  AppEnd app_end = AppEnd::kRunning;
  bool client_complete = false;
  bool background_done = false;
  sim::Time final_body = sim::Time::Infinite();
};

Observables Observe(const Outcome& o) {
  Observables ob;
  ob.app_saw_disconnect = o.app_noticed != sim::Time::Infinite();
  ob.app_end = o.app_end;
  ob.client_complete = o.client.got_final_body;
  ob.background_done = o.background_done;
  ob.final_body = o.client.final_body_time;  // what the client saw
  return ob;
}

std::optional<Violation> CompareTwins(const ScenarioSpec& spec) {
  ScenarioSpec bare = spec;
  bare.middleware.clear();
  auto with = Scenario::Create(spec);
  auto without = Scenario::Create(bare);
  if (!with.ok() || !without.ok()) return std::nullopt;
  sim::ReplayTape(**with, {}, (*with)->executor_options());
  sim::ReplayTape(**without, {}, (*without)->executor_options());
  const Observables a = Observe((*with)->last_outcome());
  const Observables b = Observe((*without)->last_outcome());
  const std::string mw = absl::StrJoin(spec.middleware, "+");
  // "with <mw> the <who> <did or did_not><what>; without it, it did (not)".
  auto differs = [&mw](const char* signature, bool with, bool without,
                       const char* who, const char* did, const char* did_not,
                       const char* what) {
    return Violation{
        "middleware-transparency", signature,
        absl::StrCat("with ", mw, " the ", who, " ", with ? did : did_not, what,
                     "; without it, it ", without ? "did" : "did not")};
  };
  if (a.app_saw_disconnect != b.app_saw_disconnect) {
    return differs("disconnect-observability", a.app_saw_disconnect,
                   b.app_saw_disconnect, "app", "saw", "never saw",
                   " the disconnect");
  }
  if (a.app_end != b.app_end) {
    return Violation{
        "middleware-transparency", "app-end",
        absl::StrCat("with ", mw, " the app ", AppEndName(a.app_end),
                     "; without it, ", AppEndName(b.app_end))};
  }
  if (a.background_done != b.background_done) {
    return differs("background-lifetime", a.background_done, b.background_done,
                   "background work", "finished", "did not finish", "");
  }
  if (a.client_complete != b.client_complete) {
    return differs("completion", a.client_complete, b.client_complete, "client",
                   "got", "did not get", " the complete response");
  }
  if (a.final_body != sim::Time::Infinite() &&
      b.final_body != sim::Time::Infinite() &&
      (a.final_body - b.final_body > sim::Seconds(1) ||
       b.final_body - a.final_body > sim::Seconds(1))) {
    return Violation{"middleware-transparency", "completion-time",
                     absl::StrCat("with ", mw, " the client got the final body at ",
                                  a.final_body.ToString(), "; without it, at ",
                                  b.final_body.ToString())};
  }
  return std::nullopt;
}

}  // namespace

absl::Span<const PropertyInfo> Properties() { return kProperties; }

const PropertyInfo* FindProperty(absl::string_view name) {
  return FindByName(Properties(), name);
}

absl::Status ValidatePropertyNames(absl::Span<const std::string> names) {
  for (const std::string& n : names) {
    if (FindProperty(n) == nullptr) {
      return absl::InvalidArgumentError(
          UnknownNameMessage("property", n, Properties()));
    }
  }
  return absl::OkStatus();
}

std::vector<Violation> CheckProperties(const Outcome& o,
                                       const sim::RunResult& r,
                                       const PropertyOptions& opts) {
  std::vector<Violation> out;
  const std::vector<SpecVerdict> verdicts = SpecVerdicts(o);
  if (Enabled(opts, "foreign-exception")) {
    CheckForeignException(o, verdicts, out);
  }
  if (Enabled(opts, "spec-version")) CheckSpecVersion(o, out);
  CheckLogs(o, verdicts, opts, out);
  if (Enabled(opts, "disconnect-delivery")) CheckDelivery(o, r, opts, out);
  if (Enabled(opts, "zombie")) CheckZombie(o, r, opts, out);
  if (Enabled(opts, "phantom-delivery")) CheckPhantom(o, out);
  if (Enabled(opts, "invalid-transition")) CheckTransitions(o, verdicts, out);
  if (Enabled(opts, "close-code")) CheckCloseCode(o, out);
  if (Enabled(opts, "cleanup-once")) CheckCleanup(o, out);
  if (Enabled(opts, "background-work")) CheckBackground(o, out);
  if (Enabled(opts, "send-blocks")) CheckSendBlocks(o, r, opts, out);
  return out;
}

RunChecker MakeChecker(const PropertyOptions& options) {
  // The transparency verdict depends on the scenario only; it is computed
  // once per scenario (two runs on the simplest interleaving) and cached.
  auto twins =
      std::make_shared<std::map<std::string, std::optional<Violation>>>();
  return [options, twins](const ScenarioSpec& spec, const std::string& name,
                          const Outcome& o,
                          const sim::RunResult& r) -> std::vector<Violation> {
    std::vector<Violation> v = CheckProperties(o, r, options);
    if (v.empty() && !spec.middleware.empty() &&
        Enabled(options, "middleware-transparency")) {
      auto it = twins->find(name);
      if (it == twins->end())
        it = twins->emplace(name, CompareTwins(spec)).first;
      if (it->second) v.push_back(*it->second);
    }
    return v;
  };
}

}  // namespace models
