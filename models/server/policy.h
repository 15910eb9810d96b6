// What differs between ASGI servers, as policy values on the same parts: the
// transport reader, the protocol state, the app runner and the watchdog.
// A preset (models/presets.h) is a ServerPolicy plus a citation per value;
// the server model (models/server.h) consults these values at each decision
// point, and what an app observes emerges from the run's interleaving.
//
//   models::ServerPolicy p = models::FindPreset("uvicorn-0.17.6-h11")->policy;
//   absl::Status s = models::SetPolicyField(p, "send-after-close", "future");
//   for (const models::PolicyField& f : models::PolicyFields()) ...
//
// Thread-safety: values; the field table is static.
#ifndef HANGUP_MODELS_SERVER_POLICY_H_
#define HANGUP_MODELS_SERVER_POLICY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "models/asgi/asgi.h"
#include "models/asgi/outcome.h"
#include "models/asgi/py_exceptions.h"
#include "sim/time.h"

namespace models {

// What send() does once the server knows the connection is closed. (A
// library type leaking from send() is LibraryErrors::kLeak: the server does
// not check, the library refuses.)
enum class SendAfterClose : uint8_t {
  kNoop,          // returns None (spec 2.3; the main spec's default)
  kRaise,         // raises the server's own OSError subclass (spec 2.4)
  kResult,        // returns a SendResult: delivered or not, known at return
  kFuture,        // returns a future: resolves when the client got the bytes
                  // (true) or the close is known (false)
  kRaiseRuntime,  // raises a RuntimeError, not an OSError (granian's
                  // "ASGI flow error: Transport not initialized or closed")
};

// What happens when the WebSocket protocol library refuses a send.
enum class LibraryErrors : uint8_t {
  kLeak,       // the library's exception reaches the app
  kTranslate,  // the server applies its send-after-close strategy
  kSwallow,    // the server swallows it: send() returns
};

// How the app runner treats the server's own exception escaping the app.
enum class OwnException : uint8_t {
  kLogged,          // like any exception: logged at ERROR
  kSilentExact,     // `except ClientDisconnected`: silent, but not when
                    // wrapped in an ExceptionGroup (encode/uvicorn#2271)
  kSilentAnywhere,  // recognised also inside ExceptionGroups (raise-and-catch)
};

// How receive() delivers the disconnect.
enum class Delivery : uint8_t {
  kRepeat,  // every call returns it at once (flag-based)
  kOnce,    // queued once; later calls block
};

// What the transport reader does with a clean FIN.
enum class FinHandling : uint8_t {
  kConnectionLost,  // the transport calls connection_lost(None)
  kIgnored,         // nothing reaches the protocol: the close is learnt only
                    // when a write fails (hypercorn 0.13.2 asyncio)
};

// What the transport does with a write once the connection is lost or
// closing, and how a write error surfaces.
enum class TransportKind : uint8_t {
  kAsyncio,   // write errors close the transport (connection_lost soon);
              // later writes are dropped, WARNING after 5
  kUvloop,    // as asyncio, but writes on a closed transport raise
              // RuntimeError("unable to perform operation on <TCPTransport
              // closed=True ...>; the handler is closed")
  kStreams,   // asyncio streams: drain() raises ConnectionResetError, which
              // the server turns into a Closed event (hypercorn)
  kBuffered,  // writes are buffered without limit: never block, never fail
              // (Twisted; granian's body channel)
};

// What happens to a flow-control wait (a paused send) when the connection
// is lost.
enum class FlowRelease : uint8_t {
  kReleased,        // connection_lost resumes writing (uvicorn HTTP)
  kNotReleased,     // the wait is never released (uvicorn 0.17.6 wsproto)
  kNoBackpressure,  // sends never wait (daphne/Twisted)
};

// How invalid message order is reported (wrong order, unknown type).
enum class InvalidReport : uint8_t {
  kUvicorn,    // RuntimeError("Expected ASGI message ..., but got ...")
  kHypercorn,  // UnexpectedMessageError("Unexpected message type, ...")
  kDaphne,     // ValueError("HTTP response has not yet been started ...")
  kGranian,    // RuntimeError("ASGI flow error: ...")
  kSpec,       // RuntimeError naming the message and state (reference)
};

// What a message after the HTTP response completed does.
enum class AfterComplete : uint8_t {
  kRaise,   // RuntimeError (uvicorn's "Unexpected ASGI message ... after
            // response already completed.", granian's flow error)
  kIgnore,  // the www spec: ignored
};

// The WebSocket protocol library the server drives.
enum class WsLibrary : uint8_t {
  kWebsockets,  // websockets legacy: CLOSING blocks sends until TCP closes,
                // then ConnectionClosedOK/Error
  kWsproto,     // wsproto: LocalProtocolError unless OPEN; TCP loss leaves
                // the state OPEN
  kAutobahn,    // autobahn: CLOSED at once on a close frame, onClose one
                // loop turn later; Disconnected unless OPEN
  kSansio,      // websockets sans-I/O: InvalidState unless OPEN; TCP loss
                // leaves the state OPEN
  kIdeal,       // no library quirks (reference servers)
};

// The close code reported in websocket.disconnect.
enum class WsCode : uint8_t {
  kPeerOr1006,  // the peer's close-frame code (1005 if it had none); after a
                // FIN or an RST, which carry no frame: 1006
  k1006,        // always 1006 (unless the app closed: 1000; hypercorn)
  kNoKey,       // the `code` key is missing (uvicorn 0.17.6 wsproto on RST)
  kNone,        // nothing is queued at all (uvicorn 0.17.6 wsproto on FIN)
};

// What the server sends when the app ends with the WebSocket still open.
enum class WsOnAppExit : uint8_t {
  kClose1000,  // a close frame 1000 (websockets' handler; the spec)
  kClose1006,  // a close frame carrying 1006 (hypercorn's send(None))
  kNothing,    // nothing: the connection stays open (uvicorn 0.17.6 wsproto)
};

// What a receive() the app cancels does with a message the server has
// already resolved it with.
enum class ReceiveCancel : uint8_t {
  kRequeue,  // nothing is taken until the app resumes: the message stays
             // for the next receive() (asyncio.Queue.get, uvicorn's flag)
  kLost,     // receive() is a future the server resolves when a message
             // comes; cancelled after that, the message is gone
};

// A line the server logs: level, logger and text, written
// "WARNING daphne.server: Application instance ... was killed.". The text
// may hold one %s, filled in where the line is logged.
struct LogSpec {
  LogLevel level = LogLevel::kError;
  std::string logger;
  std::string text;

  static std::optional<LogSpec> Parse(absl::string_view value);
  std::string ToString() const;
};

struct ServerPolicy {
  // Scope: scope["asgi"]["spec_version"] x10 (23 = "2.3"); 0 = absent;
  // for HTTP and for WebSocket scopes.
  int spec_version = 23;
  int ws_spec_version = 23;
  TransportKind transport = TransportKind::kAsyncio;

  // --- send ---
  SendAfterClose send_after_close = SendAfterClose::kNoop;
  // Once the server knows the connection is closed, every message returns
  // before any order check (the close masks invalid transitions).
  bool close_masks_invalid = true;
  InvalidReport invalid_report = InvalidReport::kUvicorn;
  AfterComplete after_complete = AfterComplete::kRaise;
  FlowRelease flow_release = FlowRelease::kReleased;
  // Log each send dropped after the close (granian's INFO "ASGI transport
  // error: SendError"), at INFO.
  bool log_dropped_sends = false;

  // --- receive and the transport reader ---
  Delivery delivery = Delivery::kRepeat;
  FinHandling fin_handling = FinHandling::kConnectionLost;
  // A completed response counts as a disconnect (uvicorn: receive returns
  // http.disconnect; hypercorn, daphne: the stream is closed and one
  // disconnect is queued).
  bool complete_is_disconnect = true;
  // Connection loss after a completed response marks nothing (uvicorn marks
  // `disconnected` only when the response is incomplete).
  bool loss_after_complete_ignored = true;

  // --- WebSocket ---
  WsLibrary ws_library = WsLibrary::kIdeal;
  LibraryErrors library_errors = LibraryErrors::kTranslate;
  // wsproto glue (uvicorn 0.17.6): the app's own websocket.close queues a
  // websocket.disconnect carrying the app's code.
  bool ws_own_close_queues_disconnect = false;
  WsCode ws_code_on_close_frame = WsCode::kPeerOr1006;
  WsCode ws_code_on_fin = WsCode::kPeerOr1006;
  WsCode ws_code_on_rst = WsCode::kPeerOr1006;
  // The server checks its own closed flag before the library (hypercorn's
  // `closed`, daphne's `disconnected` stamp) and returns silently.
  bool ws_closed_guard = false;
  // Receiving websocket.disconnect marks the connection as closed by the app
  // (uvicorn 0.17.6 websockets' closed_event): later sends raise
  // "Unexpected ASGI message ..., after sending 'websocket.close'."
  bool ws_receive_marks_closed = false;
  // websocket.close after the app's own close or after a disconnect raises
  // RuntimeError (uvicorn); otherwise it goes to the library.
  bool ws_close_twice_raises = false;
  WsOnAppExit ws_on_app_exit = WsOnAppExit::kClose1000;
  // HTTP: log uvicorn's "ASGI callable returned without starting/completing
  // response." when the app returns early while connected.
  bool log_incomplete_response = true;

  // receive() cancelled by the app (see ReceiveCancel).
  ReceiveCancel receive_cancel = ReceiveCancel::kRequeue;

  // --- the server's own raises and log lines (every preset sets its own) ---
  // send-after-close=raise: an OSError subclass.
  py::ErrorSpec send_error = DefaultError("ClientDisconnected(OSError)");
  // send-after-close=raise-runtime-error: a RuntimeError (subclass).
  py::ErrorSpec send_runtime_error =
      DefaultError("RuntimeError: send() after the connection closed");
  // after-complete=raise; %s is the message type.
  py::ErrorSpec after_complete_error = DefaultError(
      "RuntimeError: Invalid ASGI message '%s' after the response completed");
  // ws-close-twice-raises; %s is the message type.
  py::ErrorSpec ws_after_close_error = DefaultError(
      "RuntimeError: Unexpected ASGI message '%s' after websocket.close");
  // log-dropped-sends.
  LogSpec dropped_send_log = {LogLevel::kInfo, "server.error",
                              "send() after the close dropped"};
  // log-incomplete-response; %s is "starting" or "completing".
  LogSpec incomplete_response_log = {
      LogLevel::kError, "server.error",
      "application returned without %s the response"};

  // --- app runner ---
  OwnException own_exception = OwnException::kLogged;
  std::string error_log_text = "Exception in ASGI application";
  std::string error_logger = "uvicorn.error";
  // An RST (or a write the peer reset) cancels the app task at once.
  bool cancel_on_reset = false;

  // --- watchdog ---
  // Cancel the app this long after the disconnect stamp; 0 = never.
  sim::Duration kill_after;
  // The checker's period. Its timer belongs to the server, not to the
  // connection: its phase relative to the connection is drawn from the tape
  // (in steps of kServerTimerPhaseStep), so a kill lands anywhere in
  // (kill_after, kill_after + interval] after the stamp.
  sim::Duration kill_check_interval = sim::Seconds(1);
  // The response finishing stamps the disconnect too (daphne's finish()).
  bool complete_stamps_kill_clock = false;
  LogSpec kill_log = {LogLevel::kWarning, "server.error",
                      "application cancelled: it outlived the kill timeout"};

  // --- request timeout (HTTP; daphne's http_timeout) ---
  // Once the request is this old, each tick of the server's timeout checker
  // logs timeout_log and ends the response (a 503 when none was started);
  // 0 = none.
  sim::Duration request_timeout;
  sim::Duration timeout_check_interval = sim::Seconds(2);  // same phase
  LogSpec timeout_log = {LogLevel::kWarning, "server.error",
                         "request timed out"};

  // A policy field's built-in default (the reference servers' neutral text).
  static py::ErrorSpec DefaultError(absl::string_view spec);
};

// The granularity of the server timers' phase draw.
inline constexpr sim::Duration kServerTimerPhaseStep = sim::Millis(100);

// The protocols a policy field applies to.
enum class FieldProtocols : uint8_t { kBoth, kHttp, kWebSocket };

// The policy fields, for overrides (--send-after-close=future), listing and
// the generated docs/presets.md. Adding a field is one row in MakeFields
// (policy.cc) plus its ServerPolicy member.
struct PolicyField {
  const char* name;                 // "send-after-close"
  const char* description;          // one line
  std::vector<std::string> values;  // accepted values; empty = free-form
  std::string (*get)(const ServerPolicy&);
  absl::Status (*set)(ServerPolicy&, absl::string_view);
  FieldProtocols protocols = FieldProtocols::kBoth;
  const char* doc_group = "";  // the docs/presets.md table it is shown in

  // Whether it applies to a server of these protocols.
  bool AppliesTo(bool http, bool websocket) const {
    switch (protocols) {
      case FieldProtocols::kHttp:
        return http;
      case FieldProtocols::kWebSocket:
        return websocket;
      case FieldProtocols::kBoth:
        break;
    }
    return true;
  }
};
// In docs-group order.
absl::Span<const PolicyField> PolicyFields();
// The docs groups, in table order.
std::vector<const char*> PolicyFieldGroups();
// Parses a duration as policy fields write it: "<n>s", "<n>ms", "0" or
// "none" (both zero); nullopt for anything else (a bare "5", "-1s", "5x").
std::optional<sim::Duration> ParseDuration(absl::string_view text);
const PolicyField* FindPolicyField(absl::string_view name);
// Sets one field; the error names the field and the accepted values.
absl::Status SetPolicyField(ServerPolicy& policy, absl::string_view name,
                            absl::string_view value);

}  // namespace models

#endif  // HANGUP_MODELS_SERVER_POLICY_H_
