#include "models/asgi/outcome.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "nlohmann/json.hpp"

namespace models {
namespace {

nlohmann::json TimeJson(sim::Time t) {
  if (t == sim::Time::Infinite()) return nullptr;
  return t.nanos();
}

std::string TimeText(sim::Time t) {
  return t == sim::Time::Infinite() ? std::string("never") : t.ToString();
}

nlohmann::json ErrorJson(const py::ExceptionInfo& e) {
  nlohmann::json mro = nlohmann::json::array();
  for (const char* m : e.mro) mro.push_back(m);
  return {{"type", e.type}, {"mro", mro}, {"message", e.message}};
}

nlohmann::json SendJson(const SendRecord& s) {
  nlohmann::json j = {{"from", s.from},
                      {"t_call_ns", s.start.nanos()},
                      {"t_ns", s.time.nanos()},
                      {"message", s.message.ToString()},
                      {"after_client_close", s.after_client_close},
                      {"after_server_notice", s.after_server_notice}};
  if (s.raised) {
    j["raised"] = ErrorJson(s.error);
  } else if (s.kind == SendReturnKind::kResult) {
    j["result"] = {{"delivered", s.claimed_delivered}};
  } else if (s.kind == SendReturnKind::kFuture) {
    j["future"] = {{"resolved", s.future_resolved},
                   {"delivered", s.claimed_delivered}};
  } else {
    j["returned"] = nullptr;
  }
  return j;
}

nlohmann::json ReceiveJson(const ReceiveRecord& r) {
  nlohmann::json j = {
      {"t_ns", r.time.nanos()},
      {"message", r.cancelled ? std::string("blocked (cancelled)")
                              : r.message.ToString()}};
  if (r.message.type == MessageType::kWsDisconnect) {
    j["code"] = r.message.code == kNoCode ? nlohmann::json("missing")
                                          : nlohmann::json(r.message.code);
  }
  return j;
}

nlohmann::json ClientJson(const ClientView& c) {
  nlohmann::json client = {{"response_head", c.got_response_head},
                           {"status", c.status},
                           {"body_chunks", c.body_chunks},
                           {"final_body", c.got_final_body},
                           {"ws_accepted", c.ws_accepted},
                           {"ws_messages", c.ws_messages},
                           {"reset", c.saw_reset},
                           {"eof", c.saw_eof}};
  if (c.ws_close_code != kNoCode) client["ws_close_code"] = c.ws_close_code;
  return client;
}

// "raised T (MRO): message", "SendResult(delivered)", "returned", ...
std::string SendResultText(const SendRecord& s) {
  if (s.raised) {
    std::string result = absl::StrCat("raised ", s.error.type, " (",
                                      py::MroString(s.error.mro), ")");
    if (!s.error.message.empty())
      absl::StrAppend(&result, ": ", s.error.message);
    return result;
  }
  if (s.kind == SendReturnKind::kResult) {
    return s.claimed_delivered ? "SendResult(delivered)"
                               : "SendResult(not delivered)";
  }
  if (s.kind == SendReturnKind::kFuture) {
    return !s.future_resolved    ? "future (unresolved)"
           : s.claimed_delivered ? "future -> delivered"
                                 : "future -> not delivered";
  }
  return "returned";
}

}  // namespace

absl::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "DEBUG";
    case LogLevel::kInfo:
      return "INFO";
    case LogLevel::kWarning:
      return "WARNING";
    case LogLevel::kError:
      return "ERROR";
  }
  return "?";
}

absl::string_view AppEndName(AppEnd end) {
  switch (end) {
    case AppEnd::kRunning:
      return "running";
    case AppEnd::kReturned:
      return "returned";
    case AppEnd::kRaised:
      return "raised";
    case AppEnd::kCancelled:
      return "cancelled";
  }
  return "?";
}

absl::string_view ClientCloseKindName(std::optional<ClientCloseKind> kind) {
  if (!kind) return "";
  switch (*kind) {
    case ClientCloseKind::kFin:
      return "fin";
    case ClientCloseKind::kRst:
      return "rst";
    case ClientCloseKind::kCloseFrame:
      return "close-frame";
  }
  return "?";
}

int Outcome::SendsAfterClientClose() const {
  int n = 0;
  for (const SendRecord& s : sends) n += s.after_client_close;
  return n;
}

int Outcome::SendsOkAfterClientClose() const {
  int n = 0;
  for (const SendRecord& s : sends) n += s.after_client_close && !s.raised;
  return n;
}

int Outcome::SendsAfterServerNotice() const {
  int n = 0;
  for (const SendRecord& s : sends) n += s.after_server_notice;
  return n;
}

bool Outcome::LoggedAtLeast(LogLevel level) const {
  for (const LogLine& l : logs) {
    if (l.level >= level) return true;
  }
  return false;
}

std::vector<const SendRecord*> Outcome::AllSends() const {
  std::vector<const SendRecord*> out;
  out.reserve(sends.size() + middleware_sends.size());
  size_t m = 0;
  for (const SendRecord& s : sends) {
    while (m < middleware_sends.size() && middleware_sends[m].time < s.time)
      out.push_back(&middleware_sends[m++]);
    out.push_back(&s);
  }
  for (; m < middleware_sends.size(); ++m) out.push_back(&middleware_sends[m]);
  return out;
}

std::string OutcomeToJson(const Outcome& o) {
  nlohmann::json sends = nlohmann::json::array();
  for (const SendRecord& s : o.sends) sends.push_back(SendJson(s));
  nlohmann::json middleware_sends = nlohmann::json::array();
  for (const SendRecord& s : o.middleware_sends)
    middleware_sends.push_back(SendJson(s));
  nlohmann::json receives = nlohmann::json::array();
  for (const ReceiveRecord& r : o.receives) receives.push_back(ReceiveJson(r));
  nlohmann::json logs = nlohmann::json::array();
  for (const LogLine& l : o.logs) {
    logs.push_back({{"t_ns", l.time.nanos()},
                    {"level", std::string(LogLevelName(l.level))},
                    {"logger", l.logger},
                    {"text", l.text}});
  }
  nlohmann::json app_end = {{"how", std::string(AppEndName(o.app_end))},
                            {"t_ns", TimeJson(o.app_end_time)},
                            {"by_watchdog", o.cancelled_by_watchdog}};
  if (o.app_end == AppEnd::kRaised)
    app_end["exception"] = ErrorJson(o.app_error);
  nlohmann::json out = {
      {"scope",
       {{"type", std::string(ProtocolName(o.scope.protocol))},
        {"spec_version", o.scope.SpecVersionString()}}},
      {"sends", std::move(sends)},
      {"middleware_sends", std::move(middleware_sends)},
      {"receives", std::move(receives)},
      {"receive_pending_at_end", o.receive_pending},
      {"send_pending_at_end", o.send_pending},
      {"write_pauses", o.write_pauses},
      {"app_end", std::move(app_end)},
      {"logs", std::move(logs)},
      {"client", ClientJson(o.client)},
      {"counts",
       {{"sends_after_client_close", o.SendsAfterClientClose()},
        {"sends_ok_after_client_close", o.SendsOkAfterClientClose()},
        {"sends_after_server_notice", o.SendsAfterServerNotice()},
        {"cleanups", o.cleanups}}},
      {"times_ns",
       {{"client_closed", TimeJson(o.client_closed)},
        {"client_close_kind",
         std::string(ClientCloseKindName(o.client_close_kind))},
        {"server_noticed", TimeJson(o.server_noticed)},
        {"app_noticed", TimeJson(o.app_noticed)},
        {"app_ended", TimeJson(o.app_end_time)},
        {"run_end", o.end_time.nanos()}}}};
  if (o.background_started) out["background_work_done"] = o.background_done;
  return out.dump();
}

std::string OutcomeToText(const Outcome& o) {
  std::string out;
  absl::StrAppend(&out, "  scope: ", ProtocolName(o.scope.protocol),
                  ", spec_version ", o.scope.SpecVersionString(), "\n");
  absl::StrAppend(&out, "  sends (", o.sends.size());
  if (!o.middleware_sends.empty())
    absl::StrAppend(&out, ", and ", o.middleware_sends.size(),
                    " by middleware");
  absl::StrAppend(&out, "):\n");
  for (const SendRecord* s : o.AllSends()) {
    const bool by_app = s->from == absl::string_view(kAppSender);
    absl::StrAppendFormat(
        &out, "    %12s  %-36s %s%s\n", s->time.ToString(),
        absl::StrCat(by_app ? "" : absl::StrCat("[", s->from, "] "),
                     s->message.ToString()),
        SendResultText(*s),
        s->after_client_close ? "   [after client close]" : "");
  }
  absl::StrAppend(&out, "  receives (", o.receives.size(), "):\n");
  for (const ReceiveRecord& r : o.receives) {
    absl::StrAppendFormat(
        &out, "    %12s  %s\n", r.time.ToString(),
        r.cancelled ? "blocked: the wait was cancelled" : r.message.ToString());
  }
  if (o.receive_pending)
    absl::StrAppend(&out, "    (blocked in receive() at the end)\n");
  if (o.send_pending)
    absl::StrAppend(&out, "  (blocked in send() at the end)\n");
  absl::StrAppend(&out, "  app: ", AppEndName(o.app_end));
  if (o.app_end == AppEnd::kRaised)
    absl::StrAppend(&out, " ", o.app_error.type);
  if (o.cancelled_by_watchdog) absl::StrAppend(&out, " by the watchdog");
  absl::StrAppend(&out, " at ", TimeText(o.app_end_time), "\n");
  absl::StrAppend(&out, "  server logs (", o.logs.size(), "):\n");
  for (const LogLine& l : o.logs) {
    absl::StrAppendFormat(&out, "    %12s  %-7s %s: %s\n", l.time.ToString(),
                          LogLevelName(l.level), l.logger, l.text);
  }
  const ClientView& c = o.client;
  if (o.scope.protocol == Protocol::kHttp) {
    absl::StrAppend(
        &out, "  client got: ", c.got_response_head ? "response head, " : "",
        c.body_chunks, " body chunks", c.got_final_body ? " (complete)" : "");
  } else {
    absl::StrAppend(&out, "  client got: ", c.ws_accepted ? "accept, " : "",
                    c.ws_messages, " messages");
    if (c.ws_close_code != kNoCode)
      absl::StrAppend(&out, ", close ", c.ws_close_code);
  }
  absl::StrAppend(&out, c.saw_reset ? ", reset" : "", c.saw_eof ? ", EOF" : "",
                  "\n");
  absl::StrAppend(
      &out, "  sends after the client closed: ", o.SendsAfterClientClose(),
      " (", o.SendsOkAfterClientClose(), " returned normally)\n");
  const absl::string_view close_kind = ClientCloseKindName(o.client_close_kind);
  absl::StrAppend(
      &out, "  times: client closed ", TimeText(o.client_closed),
      close_kind.empty() ? "" : " (", close_kind, close_kind.empty() ? "" : ")",
      ", server noticed ", TimeText(o.server_noticed), ", app noticed ",
      TimeText(o.app_noticed), ", app ended ", TimeText(o.app_end_time),
      ", run ended ", o.end_time.ToString(), "\n");
  return out;
}

}  // namespace models
