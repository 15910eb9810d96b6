#include "check/expectations.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "check/properties.h"
#include "check/signature.h"

namespace check {
namespace {

using models::LogLevel;
using models::Outcome;

constexpr const char* kKeys[] = {
    "app-ends-within",          "no-log-at-or-above", "send-after-close-raises",
    "send-after-close-returns", "disconnect-within",  "client-gets-at-least",
};

Violation Broken(const Expectation& e, std::string signature,
                 std::string detail) {
  return Violation{e.name, std::move(signature),
                   absl::StrCat("expected ", e.Describe(), "; ", detail)};
}

void AppEndsWithin(const Expectation& e, const Outcome& o,
                   const sim::RunResult& r, std::vector<Violation>& out) {
  switch (AppOutlived(o, r, e.bound)) {
    case Outlived::kNo:
      return;
    case Outlived::kRunning:
      out.push_back(Broken(
          e, "running",
          absl::StrCat("the app was still running at ", o.end_time.ToString(),
                       "; the client closed at ", o.client_closed.ToString())));
      return;
    case Outlived::kEndedLate:
      out.push_back(
          Broken(e, "late",
                 absl::StrCat("the app ended ",
                              (o.app_end_time - o.client_closed).ToString(),
                              " after the client closed")));
      return;
  }
}

void NoLogAtOrAbove(const Expectation& e, const Outcome& o,
                    std::vector<Violation>& out) {
  for (const models::LogLine& l : o.logs) {
    if (l.level < e.level) continue;
    out.push_back(Broken(
        e,
        absl::StrCat(models::LogLevelName(l.level), ": ", LogSignature(l.text)),
        absl::StrCat(models::LogLevelName(l.level), " ", l.logger, ": ", l.text,
                     " at ", l.time.ToString())));
    return;
  }
}

void SendAfterClose(const Expectation& e, const Outcome& o, bool raises,
                    std::vector<Violation>& out) {
  for (const models::SendRecord& s : o.sends) {
    if (!s.after_server_notice) continue;
    const bool ok = raises ? s.raised && s.error.IsA(e.exception) : !s.raised;
    if (ok) continue;
    const std::string what =
        s.raised ? absl::StrCat("raised ", s.error.type) : "returned";
    out.push_back(
        Broken(e, s.raised ? ExceptionSignature(s.error) : "returned",
               absl::StrCat(s.message.ToString(),
                            " after the server noticed the close ", what)));
    return;
  }
}

void DisconnectWithin(const Expectation& e, const Outcome& o,
                      const sim::RunResult& r, std::vector<Violation>& out) {
  const LateReceive late = FirstLateReceive(o, r, e.bound);
  if (late.kind == LateReceive::Kind::kNone) return;
  if (late.kind == LateReceive::Kind::kNeverReturned) {
    out.push_back(Broken(
        e, "never",
        absl::StrCat("receive() called at ", o.receive_pending_since.ToString(),
                     " never returned")));
    return;
  }
  const bool got = late.kind == LateReceive::Kind::kLate;
  out.push_back(
      Broken(e, got ? "late" : "blocked",
             absl::StrCat("receive() called at ", late.record->start.ToString(),
                          got ? " got the disconnect at " : " still waited at ",
                          late.record->time.ToString())));
}

void ClientGetsAtLeast(const Expectation& e, const Outcome& o,
                       std::vector<Violation>& out) {
  const bool ws = o.scope.protocol == models::Protocol::kWebSocket;
  const int64_t got = ws ? o.client.ws_messages : o.client.body_chunks;
  if (got >= e.count) return;
  out.push_back(Broken(e, "short",
                       absl::StrCat("the client read ", got,
                                    ws ? " messages" : " body chunks")));
}

}  // namespace

absl::Span<const char* const> ExpectationKeys() { return kKeys; }

std::string Expectation::Describe() const {
  switch (kind) {
    case ExpectationKind::kAppEndsWithin:
      return absl::StrCat("the app ends within ", bound.ToString(),
                          " of the client's close");
    case ExpectationKind::kNoLogAtOrAbove:
      return absl::StrCat("no log line at ", models::LogLevelName(level),
                          " or above");
    case ExpectationKind::kSendAfterCloseRaises:
      return absl::StrCat(
          "every send after the server noticed the close "
          "raises ",
          exception);
    case ExpectationKind::kSendAfterCloseReturns:
      return "no send after the server noticed the close raises";
    case ExpectationKind::kDisconnectWithin:
      return absl::StrCat("a waiting receive() gets the disconnect within ",
                          bound.ToString());
    case ExpectationKind::kClientGetsAtLeast:
      return absl::StrCat("the client reads at least ", count,
                          " chunks or messages");
  }
  return "?";
}

void CheckExpectations(absl::Span<const Expectation> expectations,
                       const Outcome& o, const sim::RunResult& r,
                       std::vector<Violation>& out) {
  for (const Expectation& e : expectations) {
    switch (e.kind) {
      case ExpectationKind::kAppEndsWithin:
        AppEndsWithin(e, o, r, out);
        break;
      case ExpectationKind::kNoLogAtOrAbove:
        NoLogAtOrAbove(e, o, out);
        break;
      case ExpectationKind::kSendAfterCloseRaises:
        SendAfterClose(e, o, /*raises=*/true, out);
        break;
      case ExpectationKind::kSendAfterCloseReturns:
        SendAfterClose(e, o, /*raises=*/false, out);
        break;
      case ExpectationKind::kDisconnectWithin:
        DisconnectWithin(e, o, r, out);
        break;
      case ExpectationKind::kClientGetsAtLeast:
        ClientGetsAtLeast(e, o, out);
        break;
    }
  }
}

}  // namespace check
