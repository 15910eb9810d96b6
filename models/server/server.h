// The server model: one connection's server side, built from the parts a real
// ASGI server has, each driven by a ServerPolicy value:
//   - the transport reader, a task turning segments (data, FIN, RST) into
//     protocol events (and, for WebSocket, a protocol library's state);
//   - the protocol state (response started/complete, disconnected, closed);
//   - the app's channel: receive() and send() with their ordered checks;
//   - the app runner (run_asgi): how an exception escaping the app is
//     handled and logged;
//   - an optional watchdog that cancels the app some time after the
//     disconnect (daphne's application_checker).
// What the app observes emerges from the interleaving of these tasks with
// the app's and the client's; nothing is looked up from a table.
//
//   models::Server server(executor, connection.server(), policy, app,
//                         outcome, models::Protocol::kHttp);
//   server.Start();   // spawns the transport reader (and the watchdog)
//
// Lifetime: the endpoint, policy, app and outcome outlive the server; the
// server outlives the executor's run. Thread-safety: one run, one thread.
#ifndef HANGUP_MODELS_SERVER_SERVER_H_
#define HANGUP_MODELS_SERVER_SERVER_H_

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "models/asgi/asgi.h"
#include "models/asgi/channel.h"
#include "models/asgi/outcome.h"
#include "models/asgi/wire.h"
#include "models/server/policy.h"
#include "sim/connection.h"
#include "sim/executor.h"
#include "sim/sync.h"

namespace models {

// The WebSocket protocol library's connection state (websockets, wsproto
// and autobahn states mapped onto one set).
enum class WsState : uint8_t {
  kConnecting,
  kOpen,
  kRemoteClosing,  // the peer's close frame arrived, ours not sent (wsproto)
  kLocalClosing,   // our close frame sent, the peer's not arrived
  kClosing,        // both sent, waiting for TCP to close (websockets)
  kClosed,
};
absl::string_view WsStateName(WsState state);

// Why the server learnt that the client is gone, and what it did about it
// (the kEvNotice event's a).
enum class NoticeCause : uint8_t {
  kFin = 0,
  kRst = 1,
  kCloseFrame = 2,
  kWriteFailed = 3,
  kFinIgnored = 9,    // the read loop ended without telling the protocol
  kResetCancel = 10,  // cancel-on-reset: the server cancels the app task
  kReceiveLost = 11,  // a resolved receive() was cancelled: message lost
};

class Server : public sim::FlowListener {
 public:
  Server(sim::Executor& executor, sim::Endpoint& endpoint,
         const ServerPolicy& policy, App& app, Outcome& outcome,
         Protocol protocol);
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  ~Server() override;

  void Start();

  // sim::FlowListener
  void OnPauseWriting() override;
  void OnResumeWriting() override;
  void OnPeerConsumed(uint64_t tag) override;

 private:
  class AppChannel;

  // --- common (server.cc) ---
  void Log(LogLevel level, const char* logger, std::string text);
  // Logs a policy line; `arg` fills its %s.
  void Log(const LogSpec& line, absl::string_view arg = "");
  // Draws where the server's own timers (watchdog, timeout checker) stand
  // relative to this connection; then their ticks are
  // timer_phase_ + k * interval.
  void DrawTimerPhase();
  sim::Duration UntilNextTick(sim::Duration interval) const;
  // cancel-on-reset.
  void CancelOnReset();
  // Records the first time the server learns the client is gone.
  void NoteServerNoticed(NoticeCause cause);
  // The transport reader's end: an RST or a FIN becomes connection_lost, or
  // (a FIN the protocol ignores, when `fin_ignorable`) just ends the loop.
  // Returns false for a data segment.
  bool ReaderSawClose(const sim::Segment& segment, bool fin_ignorable);
  void ConnectionLost(bool clean);
  // A message for receive(): queued (Delivery::kOnce) or kept for the
  // repeating receive loop.
  void Enqueue(const Message& message);
  // Puts on queue_ (Delivery::kOnce), handing it to a pending receive future.
  void QueuePut(const Message& message);
  // Wakes the repeating receive loop (and pending receive futures).
  void WakeReceivers();
  // receive-cancel=lost: receive() is a future the server resolves as soon
  // as a message is available (ResolveReceivers), so a cancel that comes
  // after the resolve loses the message.
  sim::Task<Message> ReceiveFuture();
  void ResolveReceivers();
  // What a receive() would return without waiting, taken; nullopt if it
  // would wait.
  std::optional<Message> TakeReady();
  // The connection is gone: every pending send future resolves to false.
  void FailPendingFutures();
  // Writes a unit to the socket as this server's transport does. Returns
  // its wire tag, or 0 when nothing reached the socket (dropped or failed).
  uint64_t TransportWrite(uint32_t bytes, const wire::Unit& unit);
  // The server closes its side (transport.close()).
  void CloseTransport();
  static sim::Task<void> ConnectionLostSoon(Server* self);
  sim::Task<void> FlowWait();
  // What send() gives once the close is known (raises for the raising
  // strategies). Not a coroutine: it never suspends.
  SendReturn AfterClose(const Message& message);
  // What send() gives after a write: `tag` is TransportWrite's (0: the
  // bytes went nowhere).
  SendReturn Delivered(uint64_t tag);
  void StartApp();
  static sim::Task<void> RunApp(Server* self);
  static sim::Task<void> Watchdog(Server* self);
  bool IsSilencedOwnException(const std::exception_ptr& error) const;
  void StampKillClock();
  sim::Task<Message> Receive();
  sim::Task<SendReturn> Send(Message message);

  // --- HTTP (server_http.cc) ---
  static sim::Task<void> HttpReader(Server* self);
  void HttpConnectionLost(bool clean);
  void HttpMarkDisconnected();
  sim::Task<Message> HttpReceive();
  std::optional<Message> HttpTakeReady();
  // request-timeout: daphne's timeout_checker and check_timeouts.
  static sim::Task<void> HttpTimeoutChecker(Server* self);
  // Returns false when the checker dies (Twisted's finish() raised).
  bool HttpTimedOut();
  sim::Task<SendReturn> HttpSend(Message message);
  [[noreturn]] void HttpInvalid(const Message& message);
  void HttpAfterApp();

  // --- WebSocket (server_ws.cc) ---
  static sim::Task<void> WsReader(Server* self);
  void WsSetState(WsState state);
  void WsPeerCloseFrame(int32_t code);
  void WsWriteCloseFrame(int32_t code);
  // The code a disconnect reports: the peer's close frame's, else 1006.
  int32_t WsPeerCode() const {
    return ws_close_code_ != kNoCode ? ws_close_code_ : 1006;
  }
  static sim::Task<void> WsOnCloseSoon(Server* self, int32_t code);
  void WsConnectionLost(bool clean);
  void WsQueueDisconnect(int32_t code, WsCode how);
  sim::Task<Message> WsReceive();
  std::optional<Message> WsTakeReady();
  sim::Task<SendReturn> WsSend(Message message);
  sim::Task<SendReturn> WsSendData(Message message);
  sim::Task<SendReturn> WsSendClose(Message message);
  sim::Task<SendReturn> WsLibraryRefused(const Message& message);
  [[noreturn]] void WsThrowLibraryError(const Message& message);
  void WsAfterApp();
  static sim::Task<void> WsCloseTimeout(Server* self, sim::Duration after);
  void ArmCloseTimeout(sim::Duration after);

  sim::Executor& executor_;
  sim::Endpoint& endpoint_;
  const ServerPolicy& policy_;
  App& app_;
  Outcome& outcome_;
  Protocol protocol_;
  std::unique_ptr<AppChannel> channel_;

  // Transport and flow control.
  bool transport_lost_ = false;     // connection_lost ran, or a write failed
  bool transport_closing_ = false;  // the server closed it
  bool lost_soon_pending_ = false;
  int dropped_writes_ = 0;
  sim::Event writable_;

  // App.
  sim::JoinHandle<void> app_task_;  // valid once started
  sim::Time kill_stamp_ = sim::Time::Infinite();
  sim::Time request_start_;
  sim::Duration timer_phase_;  // see DrawTimerPhase

  // Receive side.
  bool disconnected_ = false;  // the server knows the client is gone
  bool disconnect_queued_ = false;
  sim::Queue<Message> queue_;
  std::deque<Message> body_;  // Delivery::kRepeat
  sim::Event message_event_;
  std::vector<std::shared_ptr<sim::Future<Message>>> receivers_;
  bool request_complete_ = false;
  uint32_t next_request_seq_ = 0;

  // HTTP response.
  bool response_started_ = false;
  bool response_complete_ = false;

  // WebSocket.
  WsState ws_state_ = WsState::kConnecting;
  sim::Event ws_closed_event_;       // the library reached kClosed
  bool ws_app_closed_ = false;       // the app sent websocket.close (or the
                                     // server marked it so)
  int32_t ws_close_code_ = kNoCode;  // the peer's close frame code (1005
                                     // for none), kNoCode before one came
  bool ws_on_close_done_ = false;
  sim::JoinHandle<void> ws_close_timeout_;

  // Futures of kFuture sends, by wire tag.
  std::vector<std::pair<uint64_t, std::shared_ptr<sim::Future<bool>>>>
      pending_futures_;
};

}  // namespace models

#endif  // HANGUP_MODELS_SERVER_SERVER_H_
