#include "check/properties.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "check/signature.h"
#include "models/asgi/registry.h"
#include "sim/check.h"

namespace check {
namespace {

using models::AppEnd;
using models::ClientCloseKind;
using models::ClientCloseKindName;
using models::kNoCode;
using models::LogLevel;
using models::LogLine;
using models::MessageType;
using models::Outcome;
using models::Protocol;
using models::ReceiveRecord;
using models::SendRecord;
using models::SendReturnKind;
using models::SpecVerdict;

void Add(std::vector<Violation>& out, const PropertyInfo& self,
         std::string signature, std::string detail) {
  out.push_back(MakeViolation(self, std::move(signature), std::move(detail)));
}

bool Closed(const Outcome& o) {
  return o.client_closed != sim::Time::Infinite();
}

bool AllValid(const std::vector<SpecVerdict>& verdicts) {
  for (SpecVerdict v : verdicts) {
    if (v != SpecVerdict::kValid) return false;
  }
  return true;
}

void CheckForeignException(const PropertyInfo& self, const CheckContext& c,
                           std::vector<Violation>& out) {
  const Outcome& o = c.outcome;
  const std::vector<SpecVerdict>& verdicts = c.verdicts;
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
    Add(out, self, ExceptionSignature(s.error),
        absl::StrCat(s.message.ToString(), " after the client closed raised ",
                     s.error.type, " (", py::MroString(s.error.mro),
                     "), not the server's OSError subclass"));
    return;
  }
}

void CheckSpecVersion(const PropertyInfo& self, const CheckContext& c,
                      std::vector<Violation>& out) {
  const Outcome& o = c.outcome;
  const int version = o.scope.EffectiveSpecVersion();
  for (const SendRecord& s : o.sends) {
    // A send interrupted by cancellation says nothing about the server.
    if (!s.after_server_notice ||
        absl::string_view(s.error.type) == "CancelledError") {
      continue;
    }
    if (version >= 24 && !(s.raised && s.error.IsA("OSError"))) {
      Add(out, self, s.raised ? ExceptionSignature(s.error) : "returned",
          absl::StrCat(
              "spec_version ", o.scope.SpecVersionString(),
              " promises OSError, but ", s.message.ToString(),
              " after the server noticed the close ",
              s.raised ? absl::StrCat("raised ", s.error.type) : "returned"));
      return;
    }
    if (version < 24 && s.raised && s.error.IsA("OSError")) {
      Add(out, self, ExceptionSignature(s.error),
          absl::StrCat("spec_version ", o.scope.SpecVersionString(),
                       " promises a no-op, but ", s.message.ToString(),
                       " raised ", s.error.type));
      return;
    }
  }
}

// An app that sent a message the spec rejects is not a normal disconnect.
bool NormalDisconnect(const CheckContext& c) {
  return Closed(c.outcome) && AllValid(c.verdicts);
}

void CheckErrorLog(const PropertyInfo& self, const CheckContext& c,
                   std::vector<Violation>& out) {
  const Outcome& o = c.outcome;
  if (!NormalDisconnect(c)) return;
  for (const LogLine& l : o.logs) {
    if (l.time < o.client_closed || l.level != LogLevel::kError) continue;
    Add(out, self, LogSignature(l.text),
        absl::StrCat("ERROR ", l.logger, ": ", l.text, " at ",
                     l.time.ToString(), " after a normal client close at ",
                     o.client_closed.ToString()));
    return;
  }
}

void CheckLogVolume(const PropertyInfo& self, const CheckContext& c,
                    std::vector<Violation>& out) {
  const Outcome& o = c.outcome;
  if (!NormalDisconnect(c)) return;
  int after = 0;
  for (const LogLine& l : o.logs) {
    if (l.time >= o.client_closed && l.level >= LogLevel::kInfo) ++after;
  }
  if (after > c.options.log_lines_bound) {
    Add(out, self, "flood",
        absl::StrCat(after, " log lines after the client closed (bound ",
                     c.options.log_lines_bound, ")"));
  }
}

void CheckDelivery(const PropertyInfo& self, const CheckContext& c,
                   std::vector<Violation>& out) {
  const Outcome& o = c.outcome;
  const sim::RunResult& r = c.result;
  const sim::Time close = o.client_closed;
  const LateReceive late = FirstLateReceive(o, r, c.options.receive_bound);
  const bool delivered = late.delivered_before;
  switch (late.kind) {
    case LateReceive::Kind::kNone:
      return;
    case LateReceive::Kind::kBlocked: {
      const ReceiveRecord& rec = *late.record;
      Add(out, self, delivered ? "once-then-blocks" : "never",
          absl::StrCat("receive() called at ", rec.start.ToString(),
                       " was still waiting at ", rec.time.ToString(), ", ",
                       (rec.time - close).ToString(),
                       " after the client closed",
                       delivered ? " (a disconnect came earlier)" : ""));
      return;
    }
    case LateReceive::Kind::kLate:
      Add(out, self, "late",
          absl::StrCat("the disconnect came ",
                       (late.record->time - close).ToString(),
                       " after the client closed (bound ",
                       c.options.receive_bound.ToString(), ")"));
      return;
    case LateReceive::Kind::kNeverReturned:
      Add(out, self, delivered ? "once-then-blocks" : "never",
          absl::StrCat("receive() called at ",
                       o.receive_pending_since.ToString(),
                       " never returned (run ended at ", o.end_time.ToString(),
                       ", ", sim::RunVerdictName(r.verdict),
                       "); the client closed at ", close.ToString(),
                       delivered ? "; a disconnect came earlier" : ""));
      return;
  }
}

void CheckZombie(const PropertyInfo& self, const CheckContext& c,
                 std::vector<Violation>& out) {
  const Outcome& o = c.outcome;
  const sim::RunResult& r = c.result;
  switch (AppOutlived(o, r, c.options.app_end_bound)) {
    case Outlived::kNo:
      return;
    case Outlived::kRunning:
      Add(out, self, "running",
          absl::StrCat("the app was still running when the run ended at ",
                       o.end_time.ToString(), " (",
                       sim::RunVerdictName(r.verdict),
                       "); the client closed at ", o.client_closed.ToString()));
      return;
    case Outlived::kEndedLate:
      Add(out, self, "late-end",
          absl::StrCat("the app ended ",
                       (o.app_end_time - o.client_closed).ToString(),
                       " after the client closed (bound ",
                       c.options.app_end_bound.ToString(), ")"));
      return;
  }
}

void CheckPhantom(const PropertyInfo& self, const CheckContext& c,
                  std::vector<Violation>& out) {
  const Outcome& o = c.outcome;
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
    Add(out, self, s.kind == SendReturnKind::kResult ? "result" : "future",
        absl::StrCat(
            s.message.ToString(), " was reported delivered (",
            s.kind == SendReturnKind::kResult ? "SendResult" : "future",
            ") but the client never read it"));
    return;
  }
}

void CheckTransitions(const PropertyInfo& self, const CheckContext& c,
                      std::vector<Violation>& out) {
  const Outcome& o = c.outcome;
  const std::vector<SpecVerdict>& verdicts = c.verdicts;
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
        Add(out, self, "blames-app-for-close",
            absl::StrCat(s.message.ToString(), " raised ", s.error.type, " \"",
                         s.error.message,
                         "\" but the app never sent websocket.close"));
        return;
      }
      const bool close_after_disconnect =
          s.message.type == MessageType::kWsClose && disconnect_seen;
      if (close_after_disconnect && s.raised && !s.error.IsA("OSError")) {
        Add(out, self, "close-after-disconnect-raised",
            absl::StrCat("websocket.close after the app received "
                         "websocket.disconnect raised ",
                         s.error.type, ": ", s.error.message));
        return;
      }
      continue;
    }
    if (v == SpecVerdict::kInvalid && !s.raised) {
      Add(out, self, "accepted-silently",
          absl::StrCat(s.message.ToString(),
                       " is invalid in this state but returned normally"));
      return;
    }
    if (v == SpecVerdict::kAfterComplete && s.raised) {
      Add(out, self, "raised-after-complete",
          absl::StrCat(s.message.ToString(),
                       " after the response completed raised ", s.error.type,
                       "; the www spec says such messages are ignored"));
      return;
    }
    if (v == SpecVerdict::kAfterOwnClose &&
        s.message.type == MessageType::kWsClose && s.raised &&
        !s.error.IsA("OSError")) {
      Add(out, self, "second-close-raised",
          absl::StrCat("a second websocket.close raised ", s.error.type, ": ",
                       s.error.message));
      return;
    }
  }
}

void CheckCloseCode(const PropertyInfo& self, const CheckContext& c,
                    std::vector<Violation>& out) {
  const Outcome& o = c.outcome;
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
      Add(out, self, "missing",
          absl::StrCat("websocket.disconnect has no code after the client's ",
                       kind));
    } else if (r.message.code != expected) {
      Add(out, self, absl::StrCat(r.message.code, "-for-", expected),
          absl::StrCat("websocket.disconnect code ", r.message.code,
                       " after the client's ", kind, " (expected ", expected,
                       ")"));
    }
    return;
  }
}

void CheckCleanup(const PropertyInfo& self, const CheckContext& c,
                  std::vector<Violation>& out) {
  const Outcome& o = c.outcome;
  if (o.cleanups > 1) {
    Add(out, self, "twice", absl::StrCat("cleanup ran ", o.cleanups, " times"));
  } else if (o.cleanup_armed && o.app_end != AppEnd::kRunning &&
             o.cleanups == 0) {
    Add(out, self, "never", "the app ended but its cleanup never ran");
  }
}

void CheckBackground(const PropertyInfo& self, const CheckContext& c,
                     std::vector<Violation>& out) {
  const Outcome& o = c.outcome;
  // The app ended (however: a middleware may absorb the cancellation) with
  // its work after the response started but not finished.
  if (o.background_started && !o.background_done &&
      o.app_end != AppEnd::kRunning) {
    Add(out, self, o.cancelled_by_watchdog ? "killed-by-watchdog" : "cancelled",
        absl::StrCat("work after the response was cut short at ",
                     o.app_end_time.ToString(),
                     o.cancelled_by_watchdog ? " by the server's watchdog" : "",
                     "; the client closed at ", o.client_closed.ToString()));
  }
}

void CheckSendBlocks(const PropertyInfo& self, const CheckContext& c,
                     std::vector<Violation>& out) {
  const Outcome& o = c.outcome;
  const sim::RunResult& r = c.result;
  const PropertyOptions& opts = c.options;
  if (!o.send_pending || !Closed(o)) return;
  const sim::Time due =
      std::max(o.send_pending_since, o.client_closed) + opts.receive_bound;
  if (r.verdict == sim::RunVerdict::kQuiescent || o.end_time > due) {
    Add(out, self, "blocked",
        absl::StrCat("send() called at ", o.send_pending_since.ToString(),
                     " never returned; the client closed at ",
                     o.client_closed.ToString()));
  }
}

// One row per property, in the order runs are checked and reported.
constexpr PropertyInfo kProperties[] = {
    {"foreign-exception",
     "send() after the client left raises nothing but the server's own OSError "
     "subclass",
     "#2 websockets/wsproto leaks, #8 uvloop RuntimeError, #11 "
     "LocalProtocolError, #12 bare OSError",
     CheckForeignException},
    {"spec-version",
     "the advertised spec_version matches send(): >=2.4 raises OSError after "
     "the close, <2.4 is a no-op",
     "frameworks trusting the version (Starlette >= 0.42 drops its listener on "
     "2.4)",
     CheckSpecVersion},
    {"error-log",
     "a normal client disconnect produces no ERROR log, also through task "
     "groups and middleware",
     "#3, #4 RuntimeError logs, #6 ExceptionGroup-wrapped ClientDisconnected",
     CheckErrorLog},
    {"log-volume",
     "few log lines per disconnected connection (bound: log_lines_bound)",
     "granian#650 INFO per failed chunk", CheckLogVolume},
    {"disconnect-delivery",
     "a waiting receive() gets the disconnect within the bound, and every "
     "later receive() too",
     "#1 wsproto FIN, #9 hypercorn FIN, #10, #17 is_disconnected under "
     "BaseHTTPMiddleware",
     CheckDelivery},
    {"zombie", "the app task ends within the bound after the client left",
     "#1, #17, #19 granian", CheckZombie},
    {"phantom-delivery",
     "nothing is reported delivered (SendResult, future) that the client never "
     "got",
     "ref property 7: buffers that accept bytes after the close", CheckPhantom},
    {"invalid-transition",
     "invalid messages raise whatever the disconnect state, valid ones do not; "
     "errors blame the right "
     "party; a second close or a close after the disconnect is a no-op",
     "#3 blame, #4 close after disconnect, #5, #11 second close",
     CheckTransitions},
    {"close-code",
     "websocket.disconnect carries the peer's close code (1005 if none, 1006 "
     "if abnormal)",
     "ref property 9: wsproto without code, hypercorn 1006 for 1000",
     CheckCloseCode},
    {"cleanup-once",
     "cleanup (finally) runs exactly once, also under cancellation", "#14, #24",
     CheckCleanup},
    {"background-work",
     "work after the response is not cancelled by the disconnect",
     "#14 Starlette < 0.21, #21 daphne kill", CheckBackground},
    {"send-blocks", "send() never blocks forever once the client is gone",
     "ref property 5: flow control not released on connection loss",
     CheckSendBlocks},
    {"middleware-transparency",
     "adding pass-through middleware changes no disconnect observability, "
     "completion or lifetime "
     "(checked on the simplest interleaving)",
     "#14, #16, #17, #18 BaseHTTPMiddleware", nullptr},
};
static_assert(std::size(kProperties) <= 32, "PropertySet holds 32 bits");

// The spec's verdict on each send, in order (raised sends do not advance the
// state, as the server did not take them).
std::vector<SpecVerdict> SpecVerdicts(const Outcome& o) {
  models::SpecMachine spec(o.scope.protocol);
  std::vector<SpecVerdict> out;
  out.reserve(o.sends.size());
  for (const SendRecord& s : o.sends) {
    out.push_back(s.raised ? spec.Check(s.message) : spec.Apply(s.message));
  }
  return out;
}

}  // namespace

absl::Span<const PropertyInfo> Properties() { return kProperties; }

const PropertyInfo* FindProperty(absl::string_view name) {
  return models::FindByName(Properties(), name);
}

const PropertyInfo& TwinProperty() {
  for (const PropertyInfo& p : kProperties) {
    if (p.needs_twin()) return p;
  }
  SIM_CHECK(false) << "no property needs a twin";
  return kProperties[0];
}

Outlived AppOutlived(const Outcome& o, const sim::RunResult& r,
                     sim::Duration bound) {
  if (!Closed(o)) return Outlived::kNo;
  if (o.app_end == AppEnd::kRunning) {
    const bool over = r.verdict == sim::RunVerdict::kQuiescent ||
                      o.end_time - o.client_closed > bound;
    return over ? Outlived::kRunning : Outlived::kNo;
  }
  return o.app_end_time - o.client_closed > bound ? Outlived::kEndedLate
                                                  : Outlived::kNo;
}

LateReceive FirstLateReceive(const Outcome& o, const sim::RunResult& r,
                             sim::Duration bound) {
  LateReceive out;
  if (!Closed(o)) return out;
  for (const ReceiveRecord& rec : o.receives) {
    const sim::Time due = std::max(rec.start, o.client_closed) + bound;
    const bool got = !rec.cancelled && rec.message.IsDisconnect();
    if ((rec.cancelled || got) && rec.time > due) {
      out.kind = rec.cancelled ? LateReceive::Kind::kBlocked
                               : LateReceive::Kind::kLate;
      out.record = &rec;
      return out;
    }
    out.delivered_before |= got;
  }
  if (o.receive_pending) {
    const sim::Time due =
        std::max(o.receive_pending_since, o.client_closed) + bound;
    if (r.verdict == sim::RunVerdict::kQuiescent || o.end_time > due) {
      out.kind = LateReceive::Kind::kNeverReturned;
    }
  }
  return out;
}

size_t PropertyIndex(const PropertyInfo& info) {
  return static_cast<size_t>(&info - kProperties);
}

Violation MakeViolation(const PropertyInfo& self, std::string signature,
                        std::string detail) {
  return Violation{self.name, std::move(signature), std::move(detail)};
}

absl::StatusOr<PropertySet> PropertySet::FromNames(
    absl::Span<const std::string> names) {
  if (names.empty()) return All();
  uint32_t mask = 0;
  for (const std::string& n : names) {
    const PropertyInfo* p = FindProperty(n);
    if (p == nullptr) {
      return absl::InvalidArgumentError(
          models::UnknownNameMessage("property", n, Properties()));
    }
    mask |= uint32_t{1} << PropertyIndex(*p);
  }
  return PropertySet(mask);
}

std::vector<Violation> CheckProperties(const Outcome& o,
                                       const sim::RunResult& r,
                                       const PropertyOptions& opts) {
  std::vector<Violation> out;
  const std::vector<SpecVerdict> verdicts = SpecVerdicts(o);
  const CheckContext context{o, r, opts, verdicts};
  for (size_t i = 0; i < std::size(kProperties); ++i) {
    const PropertyInfo& p = kProperties[i];
    if (!p.needs_twin() && opts.only.Has(i)) p.check(p, context, out);
  }
  return out;
}

}  // namespace check
