#include "models/server/policy.h"

#include <limits>
#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "models/asgi/registry.h"
#include "sim/check.h"

namespace models {
namespace {

template <typename E>
using Names = std::pair<E, const char*>;

constexpr Names<SendAfterClose> kSendAfterClose[] = {
    {SendAfterClose::kNoop, "noop"},
    {SendAfterClose::kRaise, "raise"},
    {SendAfterClose::kResult, "result"},
    {SendAfterClose::kFuture, "future"},
    {SendAfterClose::kRaiseRuntime, "raise-runtime-error"}};
constexpr Names<LibraryErrors> kLibraryErrors[] = {
    {LibraryErrors::kLeak, "leak"},
    {LibraryErrors::kTranslate, "translate"},
    {LibraryErrors::kSwallow, "swallow"}};
constexpr Names<OwnException> kOwnException[] = {
    {OwnException::kLogged, "logged"},
    {OwnException::kSilentExact, "silent-exact"},
    {OwnException::kSilentAnywhere, "silent-anywhere"}};
constexpr Names<Delivery> kDelivery[] = {{Delivery::kRepeat, "repeat"},
                                         {Delivery::kOnce, "once"}};
constexpr Names<FinHandling> kFin[] = {
    {FinHandling::kConnectionLost, "connection-lost"},
    {FinHandling::kIgnored, "ignored"}};
constexpr Names<TransportKind> kTransport[] = {
    {TransportKind::kAsyncio, "asyncio"},
    {TransportKind::kUvloop, "uvloop"},
    {TransportKind::kStreams, "streams"},
    {TransportKind::kBuffered, "buffered"}};
constexpr Names<FlowRelease> kFlowRelease[] = {
    {FlowRelease::kReleased, "released"},
    {FlowRelease::kNotReleased, "not-released"},
    {FlowRelease::kNoBackpressure, "no-backpressure"}};
constexpr Names<InvalidReport> kInvalid[] = {
    {InvalidReport::kUvicorn, "uvicorn"},
    {InvalidReport::kHypercorn, "hypercorn"},
    {InvalidReport::kDaphne, "daphne"},
    {InvalidReport::kGranian, "granian"},
    {InvalidReport::kSpec, "spec"}};
constexpr Names<AfterComplete> kAfterComplete[] = {
    {AfterComplete::kRaise, "raise"}, {AfterComplete::kIgnore, "ignore"}};
constexpr Names<WsLibrary> kWsLibrary[] = {
    {WsLibrary::kWebsockets, "websockets"},
    {WsLibrary::kWsproto, "wsproto"},
    {WsLibrary::kAutobahn, "autobahn"},
    {WsLibrary::kSansio, "sansio"},
    {WsLibrary::kIdeal, "ideal"}};
constexpr Names<WsOnAppExit> kWsOnAppExit[] = {
    {WsOnAppExit::kClose1000, "close-1000"},
    {WsOnAppExit::kClose1006, "close-1006"},
    {WsOnAppExit::kNothing, "nothing"}};
constexpr Names<ReceiveCancel> kReceiveCancel[] = {
    {ReceiveCancel::kRequeue, "requeue"}, {ReceiveCancel::kLost, "lost"}};
constexpr Names<LogLevel> kLogLevels[] = {{LogLevel::kDebug, "DEBUG"},
                                          {LogLevel::kInfo, "INFO"},
                                          {LogLevel::kWarning, "WARNING"},
                                          {LogLevel::kError, "ERROR"}};
constexpr Names<WsCode> kWsCode[] = {{WsCode::kPeerOr1006, "peer"},
                                     {WsCode::k1006, "1006"},
                                     {WsCode::kNoKey, "no-code-key"},
                                     {WsCode::kNone, "nothing-queued"}};

template <typename E, size_t N>
const char* NameOf(const Names<E> (&table)[N], E value) {
  for (const auto& [v, name] : table) {
    if (v == value) return name;
  }
  return "?";
}

template <typename E, size_t N>
std::vector<std::string> ValuesOf(const Names<E> (&table)[N]) {
  std::vector<std::string> out;
  for (const auto& entry : table) out.emplace_back(entry.second);
  return out;
}

template <typename E, size_t N>
absl::Status ParseInto(const Names<E> (&table)[N], absl::string_view text,
                       const char* field, E* out) {
  for (const auto& [v, name] : table) {
    if (text == name) {
      *out = v;
      return absl::OkStatus();
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat("policy field '", field, "': unknown value '", text,
                   "' (expected one of: ", absl::StrJoin(ValuesOf(table), ", "),
                   ")", DidYouMean(text, ValuesOf(table))));
}

absl::Status ParseBool(absl::string_view text, const char* field, bool* out) {
  if (text == "yes" || text == "true") {
    *out = true;
  } else if (text == "no" || text == "false") {
    *out = false;
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "policy field '", field, "': expected yes or no, got '", text, "'"));
  }
  return absl::OkStatus();
}

absl::Status ParseDurationField(absl::string_view text, const char* field,
                                sim::Duration* out) {
  const std::optional<sim::Duration> d = ParseDuration(text);
  if (!d) {
    return absl::InvalidArgumentError(absl::StrCat(
        "policy field '", field,
        "': expected a duration like 10s or 500ms (0 = none), got '", text,
        "'"));
  }
  *out = *d;
  return absl::OkStatus();
}

absl::Status ParseSpecVersion(absl::string_view text, const char* field,
                              int* out) {
  if (text == "absent") {
    *out = 0;
    return absl::OkStatus();
  }
  if (text.size() == 3 && text[1] == '.' && text[0] >= '2' && text[0] <= '9' &&
      text[2] >= '0' && text[2] <= '9') {
    *out = (text[0] - '0') * 10 + (text[2] - '0');
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat("policy field '", field,
                   "': expected absent or X.Y (like 2.4), got '", text, "'"));
}

// An exception field: "CLASS[(BASE)][: TEXT]"; `must_be` is a class its
// MRO must contain ("" for any).
absl::Status ParseErrorField(absl::string_view text, const char* field,
                             const char* must_be, py::ErrorSpec* out) {
  absl::StatusOr<py::ErrorSpec> e = py::ErrorSpec::Parse(text);
  if (!e.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "policy field '", field, "': ", e.status().message(),
        " (written CLASS or CLASS: TEXT, like 'RuntimeError: closed')"));
  }
  if (*must_be != '\0' && !e->cls->IsA(must_be)) {
    return absl::InvalidArgumentError(
        absl::StrCat("policy field '", field, "': ", e->cls->spec(),
                     " is not a subclass of ", must_be));
  }
  *out = *std::move(e);
  return absl::OkStatus();
}

absl::Status ParseLogField(absl::string_view text, const char* field,
                           LogSpec* out) {
  std::optional<LogSpec> spec = LogSpec::Parse(text);
  if (!spec) {
    return absl::InvalidArgumentError(
        absl::StrCat("policy field '", field,
                     "': expected LEVEL LOGGER: TEXT with LEVEL one of DEBUG, "
                     "INFO, WARNING, ERROR (like 'WARNING daphne.server: "
                     "killed'), got '",
                     text, "'"));
  }
  *out = *std::move(spec);
  return absl::OkStatus();
}

std::string YesNo(bool b) { return b ? "yes" : "no"; }

#define ENUM_FIELD(fname, desc, member, table)          \
  PolicyField {                                         \
    fname, desc, ValuesOf(table),                       \
        [](const ServerPolicy& p) {                     \
          return std::string(NameOf(table, p.member));  \
        },                                              \
        [](ServerPolicy& p, absl::string_view v) {      \
          return ParseInto(table, v, fname, &p.member); \
        }                                               \
  }
#define BOOL_FIELD(fname, desc, member)                        \
  PolicyField {                                                \
    fname, desc, {"yes", "no"},                                \
        [](const ServerPolicy& p) { return YesNo(p.member); }, \
        [](ServerPolicy& p, absl::string_view v) {             \
          return ParseBool(v, fname, &p.member);               \
        }                                                      \
  }
#define SPEC_VERSION_FIELD(fname, desc, member)                          \
  PolicyField {                                                          \
    fname, desc, {"absent", "2.0", "2.1", "2.3", "2.4", "2.5"},          \
        [](const ServerPolicy& p) { return SpecVersionName(p.member); }, \
        [](ServerPolicy& p, absl::string_view v) {                       \
          return ParseSpecVersion(v, fname, &p.member);                  \
        }                                                                \
  }
#define DURATION_FIELD(fname, desc, member)               \
  PolicyField {                                           \
    fname, desc, {},                                      \
        [](const ServerPolicy& p) {                       \
          return p.member.IsZero() ? std::string("none")  \
                                   : p.member.ToString(); \
        },                                                \
        [](ServerPolicy& p, absl::string_view v) {        \
          return ParseDurationField(v, fname, &p.member); \
        }                                                 \
  }

#define ERROR_FIELD(fname, desc, member, must_be)                  \
  PolicyField {                                                    \
    fname, desc, {},                                               \
        [](const ServerPolicy& p) { return p.member.ToString(); }, \
        [](ServerPolicy& p, absl::string_view v) {                 \
          return ParseErrorField(v, fname, must_be, &p.member);    \
        }                                                          \
  }
#define LOG_FIELD(fname, desc, member)                             \
  PolicyField {                                                    \
    fname, desc, {},                                               \
        [](const ServerPolicy& p) { return p.member.ToString(); }, \
        [](ServerPolicy& p, absl::string_view v) {                 \
          return ParseLogField(v, fname, &p.member);               \
        }                                                          \
  }

// Appends fields to the table with the docs group and protocols they
// belong to.
class FieldAdder {
 public:
  explicit FieldAdder(std::vector<PolicyField>& fields) : fields_(fields) {}
  void Group(const char* title) { group_ = title; }
  void operator()(PolicyField field, FieldProtocols protocols) {
    field.protocols = protocols;
    field.doc_group = group_;
    fields_.push_back(std::move(field));
  }

 private:
  std::vector<PolicyField>& fields_;
  const char* group_ = "";
};

// Fields of the docs group "Scope and transport".
void AddScopeAndTransportFields(FieldAdder& add) {
  add.Group("Scope and transport");
  add(SPEC_VERSION_FIELD(
          "spec-version",
          "HTTP scope['asgi']['spec_version'] the server advertises",
          spec_version),
      FieldProtocols::kHttp);
  add(SPEC_VERSION_FIELD("ws-spec-version",
                         "WebSocket scope['asgi']['spec_version']",
                         ws_spec_version),
      FieldProtocols::kWebSocket);
  add(ENUM_FIELD("transport",
                 "event-loop transport: write errors and writes after close",
                 transport, kTransport),
      FieldProtocols::kBoth);
  add(ENUM_FIELD("fin", "what the transport reader does with a clean FIN",
                 fin_handling, kFin),
      FieldProtocols::kBoth);
  add(ENUM_FIELD("flow-release",
                 "a send paused by backpressure when the connection is lost",
                 flow_release, kFlowRelease),
      FieldProtocols::kBoth);
}

// Fields of the docs group "send() after the close".
void AddSendAfterTheCloseFields(FieldAdder& add) {
  add.Group("send() after the close");
  PolicyField sac = ENUM_FIELD(
      "send-after-close",
      "what send() does once the server knows the connection is closed",
      send_after_close, kSendAfterClose);
  sac.values.push_back("raise-and-catch");
  sac.set = [](ServerPolicy& p, absl::string_view v) {
    if (v == "raise-and-catch") {
      p.send_after_close = SendAfterClose::kRaise;
      p.own_exception = OwnException::kSilentAnywhere;
      return absl::OkStatus();
    }
    return ParseInto(kSendAfterClose, v, "send-after-close",
                     &p.send_after_close);
  };
  add(std::move(sac), FieldProtocols::kBoth);
  add(ENUM_FIELD("library-errors", "a send the WebSocket library refuses",
                 library_errors, kLibraryErrors),
      FieldProtocols::kWebSocket);
  add(BOOL_FIELD("close-masks-invalid",
                 "a known close silences invalid messages too",
                 close_masks_invalid),
      FieldProtocols::kHttp);
  add(BOOL_FIELD("log-dropped-sends",
                 "log each send dropped after the close at INFO",
                 log_dropped_sends),
      FieldProtocols::kBoth);
}

// Fields of the docs group "Invalid messages".
void AddInvalidMessagesFields(FieldAdder& add) {
  add.Group("Invalid messages");
  add(ENUM_FIELD("invalid-report", "how invalid message order is reported",
                 invalid_report, kInvalid),
      FieldProtocols::kHttp);
  add(ENUM_FIELD("after-complete", "HTTP: a message after the final body",
                 after_complete, kAfterComplete),
      FieldProtocols::kHttp);
  add(BOOL_FIELD(
          "ws-close-twice-raises",
          "websocket.close after a close or disconnect raises RuntimeError",
          ws_close_twice_raises),
      FieldProtocols::kWebSocket);
}

// Fields of the docs group "receive() and the disconnect".
void AddReceiveAndTheDisconnectFields(FieldAdder& add) {
  add.Group("receive() and the disconnect");
  add(ENUM_FIELD("delivery", "how receive() delivers the disconnect", delivery,
                 kDelivery),
      FieldProtocols::kBoth);
  add(BOOL_FIELD("complete-is-disconnect",
                 "HTTP: a completed response counts as a disconnect",
                 complete_is_disconnect),
      FieldProtocols::kHttp);
  add(BOOL_FIELD("loss-after-complete-ignored",
                 "HTTP: a loss after the response completed marks nothing",
                 loss_after_complete_ignored),
      FieldProtocols::kHttp);
  add(ENUM_FIELD("ws-code-close-frame",
                 "websocket.disconnect code after the peer's close frame",
                 ws_code_on_close_frame, kWsCode),
      FieldProtocols::kWebSocket);
  add(ENUM_FIELD("ws-code-fin",
                 "websocket.disconnect after a FIN without close frame",
                 ws_code_on_fin, kWsCode),
      FieldProtocols::kWebSocket);
  add(ENUM_FIELD("ws-code-rst", "websocket.disconnect after an RST",
                 ws_code_on_rst, kWsCode),
      FieldProtocols::kWebSocket);
  add(BOOL_FIELD("ws-receive-marks-closed",
                 "receiving websocket.disconnect marks the app as closed",
                 ws_receive_marks_closed),
      FieldProtocols::kWebSocket);
  add(BOOL_FIELD("ws-own-close-queues-disconnect",
                 "the app's own websocket.close queues a disconnect for it",
                 ws_own_close_queues_disconnect),
      FieldProtocols::kWebSocket);
  add(ENUM_FIELD("receive-cancel",
                 "a receive() the app cancels after the server resolved it",
                 receive_cancel, kReceiveCancel),
      FieldProtocols::kBoth);
}

// Fields of the docs group "WebSocket library and glue".
void AddWebSocketLibraryFields(FieldAdder& add) {
  add.Group("WebSocket library and glue");
  add(ENUM_FIELD("ws-library", "the WebSocket protocol library", ws_library,
                 kWsLibrary),
      FieldProtocols::kWebSocket);
  add(BOOL_FIELD("ws-closed-guard",
                 "the server's own closed flag silences sends first",
                 ws_closed_guard),
      FieldProtocols::kWebSocket);
  add(ENUM_FIELD("ws-on-app-exit",
                 "what the server sends when the app ends with the socket open",
                 ws_on_app_exit, kWsOnAppExit),
      FieldProtocols::kWebSocket);
}

// Fields of the docs group "App runner and watchdog".
void AddAppRunnerAndWatchdogFields(FieldAdder& add) {
  add.Group("App runner and watchdog");
  add(ENUM_FIELD("own-exception",
                 "the runner and the server's own exception escaping the app",
                 own_exception, kOwnException),
      FieldProtocols::kBoth);
  add(PolicyField{"error-log",
                  "ERROR text logged for an exception escaping the app",
                  {},
                  [](const ServerPolicy& p) { return p.error_log_text; },
                  [](ServerPolicy& p, absl::string_view v) {
                    p.error_log_text = std::string(v);
                    return absl::OkStatus();
                  }},
      FieldProtocols::kBoth);
  add(PolicyField{"error-logger",
                  "the logger of that ERROR line",
                  {},
                  [](const ServerPolicy& p) { return p.error_logger; },
                  [](ServerPolicy& p, absl::string_view v) {
                    p.error_logger = std::string(v);
                    return absl::OkStatus();
                  }},
      FieldProtocols::kBoth);
  add(BOOL_FIELD("log-incomplete-response",
                 "HTTP: log an app that returns without a (complete) response",
                 log_incomplete_response),
      FieldProtocols::kHttp);
  add(DURATION_FIELD("kill-after",
                     "watchdog: cancel the app this long after the disconnect",
                     kill_after),
      FieldProtocols::kBoth);
  add(DURATION_FIELD("kill-check-interval", "watchdog: how often it checks",
                     kill_check_interval),
      FieldProtocols::kBoth);
  add(BOOL_FIELD("complete-stamps-kill-clock",
                 "watchdog: a finished response starts the kill clock",
                 complete_stamps_kill_clock),
      FieldProtocols::kBoth);
  add(LOG_FIELD("kill-log", "watchdog: the line it logs when it kills",
                kill_log),
      FieldProtocols::kBoth);
  add(BOOL_FIELD("cancel-on-reset",
                 "an RST (or a write the peer reset) cancels the app at once",
                 cancel_on_reset),
      FieldProtocols::kBoth);
}

// Fields of the docs group "Request timeout".
void AddRequestTimeoutFields(FieldAdder& add) {
  add.Group("Request timeout");
  add(DURATION_FIELD("request-timeout",
                     "once the request is this old, each timer tick logs and "
                     "ends the response",
                     request_timeout),
      FieldProtocols::kHttp);
  add(DURATION_FIELD("timeout-check-interval",
                     "the server's timeout timer period (phase from the tape)",
                     timeout_check_interval),
      FieldProtocols::kHttp);
  add(LOG_FIELD("timeout-log", "the line each timed-out tick logs",
                timeout_log),
      FieldProtocols::kHttp);
}

// Fields of the docs group "Raised exceptions and log lines".
void AddRaisesAndLogLinesFields(FieldAdder& add) {
  add.Group("Raised exceptions and log lines");
  add(ERROR_FIELD("send-error",
                  "what send-after-close=raise raises (an OSError subclass)",
                  send_error, "OSError"),
      FieldProtocols::kBoth);
  add(ERROR_FIELD("send-runtime-error",
                  "what send-after-close=raise-runtime-error raises",
                  send_runtime_error, "RuntimeError"),
      FieldProtocols::kBoth);
  add(ERROR_FIELD("after-complete-error",
                  "what after-complete=raise raises (%s: the message type)",
                  after_complete_error, ""),
      FieldProtocols::kHttp);
  add(ERROR_FIELD("ws-after-close-error",
                  "what ws-close-twice-raises raises (%s: the message type)",
                  ws_after_close_error, ""),
      FieldProtocols::kWebSocket);
  add(LOG_FIELD("dropped-send-log", "the line log-dropped-sends logs",
                dropped_send_log),
      FieldProtocols::kBoth);
  add(LOG_FIELD("incomplete-response-log",
                "the line log-incomplete-response logs (%s: starting or "
                "completing)",
                incomplete_response_log),
      FieldProtocols::kHttp);
}

// The table, grouped as docs/presets.md shows it (the order also ranks
// overrides in a scenario's canonical name).
std::vector<PolicyField> MakeFields() {
  std::vector<PolicyField> f;
  FieldAdder add(f);
  AddScopeAndTransportFields(add);
  AddSendAfterTheCloseFields(add);
  AddInvalidMessagesFields(add);
  AddReceiveAndTheDisconnectFields(add);
  AddWebSocketLibraryFields(add);
  AddAppRunnerAndWatchdogFields(add);
  AddRequestTimeoutFields(add);
  AddRaisesAndLogLinesFields(add);
  return f;
}

}  // namespace

std::optional<LogSpec> LogSpec::Parse(absl::string_view value) {
  const size_t space = value.find(' ');
  const size_t colon = value.find(": ");
  if (space == absl::string_view::npos || colon == absl::string_view::npos ||
      colon <= space + 1) {
    return std::nullopt;
  }
  LogSpec out;
  if (!ParseInto(kLogLevels, value.substr(0, space), "", &out.level).ok()) {
    return std::nullopt;
  }
  out.logger = std::string(value.substr(space + 1, colon - space - 1));
  if (absl::StrContains(out.logger, ' ')) return std::nullopt;
  out.text = std::string(value.substr(colon + 2));
  return out;
}

std::string LogSpec::ToString() const {
  return absl::StrCat(NameOf(kLogLevels, level), " ", logger, ": ", text);
}

py::ErrorSpec ServerPolicy::DefaultError(absl::string_view spec) {
  absl::StatusOr<py::ErrorSpec> e = py::ErrorSpec::Parse(spec);
  SIM_CHECK(e.ok()) << e.status().message();
  return *std::move(e);
}

std::optional<sim::Duration> ParseDuration(absl::string_view text) {
  if (text == "none") text = "0";
  absl::string_view digits = text;
  int64_t unit_ns = 0;  // no unit: only "0" is a duration
  if (absl::ConsumeSuffix(&digits, "ms")) {
    unit_ns = 1000'000;
  } else if (absl::ConsumeSuffix(&digits, "us")) {
    unit_ns = 1000;
  } else if (absl::ConsumeSuffix(&digits, "s")) {
    unit_ns = 1000'000'000;
  } else if (text == "0") {
    unit_ns = 1;
  }
  int64_t n = 0;
  if (unit_ns == 0 || !absl::SimpleAtoi(digits, &n) || n < 0 ||
      n > std::numeric_limits<int64_t>::max() / unit_ns) {
    return std::nullopt;
  }
  return sim::Nanos(n * unit_ns);
}

absl::Span<const PolicyField> PolicyFields() {
  static const std::vector<PolicyField>* fields =
      new std::vector<PolicyField>(MakeFields());
  return *fields;
}

std::vector<const char*> PolicyFieldGroups() {
  std::vector<const char*> out;
  for (const PolicyField& f : PolicyFields()) {
    if (out.empty() || absl::string_view(out.back()) != f.doc_group) {
      out.push_back(f.doc_group);
    }
  }
  return out;
}

const PolicyField* FindPolicyField(absl::string_view name) {
  return FindByName(PolicyFields(), name);
}

absl::Status SetPolicyField(ServerPolicy& policy, absl::string_view name,
                            absl::string_view value) {
  const PolicyField* f = FindPolicyField(name);
  if (f == nullptr) {
    return absl::InvalidArgumentError(
        UnknownNameMessage("policy field", name, PolicyFields()));
  }
  return f->set(policy, value);
}

}  // namespace models
