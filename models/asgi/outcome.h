// The outcome record of one run: what the app saw, what the server logged,
// what the client got, counts and times. Properties (check/properties.h)
// judge it; the CLI prints it as text and JSON.
//
// Filled in during the run by the server model (logs, notice time), the
// observing channel next to the app (each send and receive the app saw), the
// middleware models (each send they make of their own, SendAsMiddleware in
// models/asgi/middleware_send.h), the runner (how the app ended) and the
// client model (what it got).
//
// Who sent what: `sends` holds the app's sends only, so every property and
// count over them (SendsAfterClientClose, ...) keeps meaning "the app's";
// `middleware_sends` holds what a middleware sent itself (Starlette's
// ServerErrorMiddleware 500, BaseHTTPMiddleware's StreamingResponse). Each
// record's `from` names its sender; the text and JSON forms show both.
//
//   const models::Outcome& o = scenario->last_outcome();
//   for (const models::SendRecord& s : o.sends) if (s.raised) ...
//   std::string json = models::OutcomeToJson(o);
//
// Thread-safety: one run, one thread.
#ifndef HANGUP_MODELS_ASGI_OUTCOME_H_
#define HANGUP_MODELS_ASGI_OUTCOME_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/asgi/asgi.h"
#include "models/asgi/py_exceptions.h"
#include "sim/time.h"

namespace models {

enum class LogLevel : uint8_t { kDebug, kInfo, kWarning, kError };
absl::string_view LogLevelName(LogLevel level);  // "INFO", ...

struct LogLine {
  sim::Time time;
  LogLevel level;
  std::string logger;
  std::string text;
};

// What send() gave the app.
enum class SendReturnKind : uint8_t { kNone, kResult, kFuture };

// SendRecord::from of the app's own sends.
inline constexpr char kAppSender[] = "app";

struct SendRecord {
  const char* from = kAppSender;  // "app", or the middleware's name (static)
  sim::Time start;                // when the app called send()
  sim::Time time;                 // when the call returned or raised
  Message message;
  bool raised = false;
  py::ExceptionInfo error;  // when raised
  SendReturnKind kind = SendReturnKind::kNone;
  bool claimed_delivered = false;    // kResult: what it said; kFuture: resolved
  bool future_resolved = false;      // kFuture: resolved by the end of the run
                                     // (middleware's: when send() returned)
  bool after_client_close = false;   // the client had closed when it returned
  bool after_server_notice = false;  // the server had noticed the close
  uint64_t wire_tag = 0;             // the segment written for it, 0 if none
};

struct ReceiveRecord {
  sim::Time time;   // when it returned (or was cancelled)
  sim::Time start;  // when the app called it
  Message message;
  bool cancelled = false;  // the wait was cancelled (a timeout): "blocked"
};

enum class AppEnd : uint8_t { kRunning, kReturned, kRaised, kCancelled };
absl::string_view AppEndName(AppEnd end);

// How the client closed the connection. The values are recorded in traces:
// do not reorder.
enum class ClientCloseKind : uint8_t { kFin, kRst, kCloseFrame };
// "fin", "rst", "close-frame"; "" for nullopt (the client did not close).
absl::string_view ClientCloseKindName(std::optional<ClientCloseKind> kind);

struct ClientView {
  bool got_response_head = false;
  int32_t status = 0;
  int32_t body_chunks = 0;  // HTTP body chunks read
  bool got_final_body = false;
  sim::Time final_body_time = sim::Time::Infinite();
  int32_t ws_messages = 0;  // WebSocket messages read
  bool ws_accepted = false;
  int32_t ws_close_code = kNoCode;  // the server's close frame, if any
  bool saw_reset = false;
  bool saw_eof = false;
  std::vector<uint64_t> consumed_tags;  // every segment it read, in order
};

struct Outcome {
  Scope scope;
  std::vector<SendRecord> sends;             // the app's, in order
  std::vector<SendRecord> middleware_sends;  // middleware's own, in order
  std::vector<ReceiveRecord> receives;
  bool receive_pending = false;  // the app was blocked in receive() at the end
  sim::Time receive_pending_since = sim::Time::Infinite();
  bool send_pending = false;  // the app was blocked in send() at the end
  int write_pauses = 0;       // pause_writing calls (backpressure)
  sim::Time send_pending_since = sim::Time::Infinite();

  AppEnd app_end = AppEnd::kRunning;
  py::ExceptionInfo app_error;
  sim::Time app_end_time = sim::Time::Infinite();
  bool cancelled_by_watchdog = false;

  std::vector<LogLine> logs;
  ClientView client;

  // Times; Infinite() when it did not happen.
  sim::Time client_closed = sim::Time::Infinite();
  sim::Time server_noticed = sim::Time::Infinite();
  sim::Time app_noticed = sim::Time::Infinite();
  sim::Time end_time;

  // How the client closed (nullopt if it did not), and the close frame's
  // code.
  std::optional<ClientCloseKind> client_close_kind;
  int32_t client_close_code = kNoCode;
  std::string client_close_reason;  // of the client's close frame

  // App-model bookkeeping (apps with cleanup and background work).
  bool cleanup_armed = false;  // the app entered a block with cleanup
  int cleanups = 0;            // times a cleanup (finally) block ran
  bool background_started = false;
  bool background_done = false;

  // --- derived ---
  // Every send that reached the server or an outer middleware: `sends` and
  // `middleware_sends` merged by return time (the app's first on a tie).
  std::vector<const SendRecord*> AllSends() const;
  int SendsAfterClientClose() const;
  int SendsOkAfterClientClose() const;  // returned normally
  int SendsAfterServerNotice() const;
  bool LoggedAtLeast(LogLevel level) const;
};

std::string OutcomeToJson(const Outcome& outcome);
std::string OutcomeToText(const Outcome& outcome);

}  // namespace models

#endif  // HANGUP_MODELS_ASGI_OUTCOME_H_
