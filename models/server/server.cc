#include "models/server/server.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "models/asgi/events.h"
#include "models/asgi/py_exceptions.h"
#include "sim/timeout.h"

namespace models {

absl::string_view WsStateName(WsState state) {
  switch (state) {
    case WsState::kConnecting:
      return "CONNECTING";
    case WsState::kOpen:
      return "OPEN";
    case WsState::kRemoteClosing:
      return "REMOTE_CLOSING";
    case WsState::kLocalClosing:
      return "LOCAL_CLOSING";
    case WsState::kClosing:
      return "CLOSING";
    case WsState::kClosed:
      return "CLOSED";
  }
  return "?";
}

// The receive and send callables the server hands to the app.
class Server::AppChannel : public Channel {
 public:
  explicit AppChannel(Server* server) : server_(server) {}
  sim::Task<Message> Receive() override { return server_->Receive(); }
  sim::Task<SendReturn> Send(Message message) override {
    return server_->Send(message);
  }

 private:
  Server* server_;
};

Server::Server(sim::Executor& executor, sim::Endpoint& endpoint,
               const ServerPolicy& policy, App& app, Outcome& outcome,
               Protocol protocol)
    : executor_(executor),
      endpoint_(endpoint),
      policy_(policy),
      app_(app),
      outcome_(outcome),
      protocol_(protocol),
      channel_(std::make_unique<AppChannel>(this)) {
  writable_.Set();
  endpoint_.set_flow_listener(this);
}

Server::~Server() { endpoint_.set_flow_listener(nullptr); }

void Server::Start() {
  outcome_.scope =
      Scope{protocol_, protocol_ == Protocol::kHttp ? policy_.spec_version
                                                    : policy_.ws_spec_version};
  DrawTimerPhase();
  if (protocol_ == Protocol::kHttp) {
    executor_.Spawn(HttpReader(this), "transport");
  } else {
    executor_.Spawn(WsReader(this), "transport");
  }
}

void Server::Log(LogLevel level, const char* logger, std::string text) {
  executor_.Record(kEvLog, static_cast<int64_t>(level), 0, [&] {
    return absl::StrCat(LogLevelName(level), " ", logger, ": ", text);
  });
  outcome_.logs.push_back(
      LogLine{executor_.Now(), level, logger, std::move(text)});
}

void Server::Log(const LogSpec& line, absl::string_view arg) {
  Log(line.level, line.logger.c_str(),
      absl::StrReplaceAll(line.text, {{"%s", arg}}));
}

void Server::DrawTimerPhase() {
  // daphne's checkers are reactor.callLater loops armed when the server
  // started (server.py@4.0.0 ≈L124-125), not when this connection came: the
  // connection meets them at a phase the tape picks.
  sim::Duration longest;
  if (!policy_.kill_after.IsZero()) longest = policy_.kill_check_interval;
  if (protocol_ == Protocol::kHttp && !policy_.request_timeout.IsZero()) {
    longest = std::max(longest, policy_.timeout_check_interval);
  }
  const int64_t steps = std::clamp<int64_t>(
      longest.nanos() / kServerTimerPhaseStep.nanos(), 1, 256);
  timer_phase_ =
      kServerTimerPhaseStep *
      executor_.Choose(sim::ChoiceKind::kDelay, static_cast<uint32_t>(steps));
}

sim::Duration Server::UntilNextTick(sim::Duration interval) const {
  const int64_t period = std::max<int64_t>(interval.nanos(), 1);
  const int64_t since = executor_.Now().nanos() - timer_phase_.nanos();
  const int64_t offset = ((since % period) + period) % period;
  return sim::Nanos(period - offset);
}

namespace {

const char* NoticeCauseText(NoticeCause cause) {
  switch (cause) {
    case NoticeCause::kFin:
      return "connection lost (clean FIN)";
    case NoticeCause::kRst:
      return "connection lost (reset)";
    case NoticeCause::kCloseFrame:
      return "close frame from the client";
    case NoticeCause::kWriteFailed:
      return "write failed: connection closed";
    case NoticeCause::kFinIgnored:
      return "FIN read, ignored: the read loop ends";
    case NoticeCause::kResetCancel:
      return "reset: the server cancels the app task";
    case NoticeCause::kReceiveLost:
      return "a resolved receive() was cancelled: its message is lost";
  }
  return "?";
}

}  // namespace

void Server::NoteServerNoticed(NoticeCause cause) {
  if (outcome_.server_noticed != sim::Time::Infinite()) return;
  outcome_.server_noticed = executor_.Now();
  executor_.Record(kEvNotice, static_cast<int64_t>(cause), 0,
                   [cause] { return std::string(NoticeCauseText(cause)); });
}

bool Server::ReaderSawClose(const sim::Segment& segment, bool fin_ignorable) {
  if (segment.kind == sim::Segment::Kind::kData) return false;
  const bool fin = segment.kind == sim::Segment::Kind::kFin;
  if (fin && fin_ignorable && policy_.fin_handling == FinHandling::kIgnored) {
    // h11 yields ConnectionClosed and the read loop just ends: nothing
    // reaches the protocol (hypercorn 0.13.2). The server has not noticed.
    executor_.Record(
        kEvNotice, static_cast<int64_t>(NoticeCause::kFinIgnored), 0,
        [] { return std::string(NoticeCauseText(NoticeCause::kFinIgnored)); });
    return true;
  }
  ConnectionLost(/*clean=*/fin);
  return true;
}

void Server::ConnectionLost(bool clean) {
  if (protocol_ == Protocol::kHttp) {
    HttpConnectionLost(clean);
  } else {
    WsConnectionLost(clean);
  }
  if (!clean) CancelOnReset();
}

void Server::CancelOnReset() {
  if (!policy_.cancel_on_reset || !app_task_.valid() || app_task_.done()) {
    return;
  }
  executor_.Record(
      kEvNotice, static_cast<int64_t>(NoticeCause::kResetCancel), 0,
      [] { return std::string(NoticeCauseText(NoticeCause::kResetCancel)); });
  app_task_.Cancel();
}

void Server::Enqueue(const Message& message) {
  if (policy_.delivery == Delivery::kOnce) {
    QueuePut(message);
  } else {
    body_.push_back(message);
    WakeReceivers();
  }
}

void Server::QueuePut(const Message& message) {
  queue_.Put(message);
  ResolveReceivers();
}

void Server::WakeReceivers() {
  message_event_.Set();
  ResolveReceivers();
}

void Server::FailPendingFutures() {
  for (auto& [tag, future] : pending_futures_) future->SetResult(false);
  pending_futures_.clear();
}

void Server::OnPauseWriting() {
  ++outcome_.write_pauses;
  writable_.Clear();
  executor_.Record(kEvFlow, 1, 0, [] { return std::string("pause_writing"); });
}

void Server::OnResumeWriting() {
  writable_.Set();
  executor_.Record(kEvFlow, 0, 0, [] { return std::string("resume_writing"); });
}

void Server::OnPeerConsumed(uint64_t tag) {
  for (size_t i = 0; i < pending_futures_.size(); ++i) {
    if (pending_futures_[i].first == tag) {
      pending_futures_[i].second->SetResult(true);
      pending_futures_.erase(pending_futures_.begin() +
                             static_cast<ptrdiff_t>(i));
      return;
    }
  }
}

uint64_t Server::TransportWrite(uint32_t bytes, const wire::Unit& unit) {
  const uint64_t tag = wire::Encode(unit);
  if (transport_lost_ || transport_closing_) {
    switch (policy_.transport) {
      case TransportKind::kUvloop:
        throw py::RuntimeError(
            "unable to perform operation on <TCPTransport closed=True "
            "reading=False>; the handler is closed");
      case TransportKind::kAsyncio:
        // asyncio's _SelectorSocketTransport.write counts writes after the
        // connection was lost and warns from the fifth on.
        if (++dropped_writes_ >= 5) {
          Log(LogLevel::kWarning, "asyncio", "socket.send() raised exception.");
        }
        return 0;
      case TransportKind::kStreams:
      case TransportKind::kBuffered:
        return 0;
    }
  }
  const sim::WriteStatus status = endpoint_.Write(bytes, tag);
  executor_.Record(
      kEvWrite, static_cast<int64_t>(status), static_cast<int64_t>(tag), [&] {
        return absl::StrCat("frame ", static_cast<int>(unit.frame), " seq ",
                            unit.seq, " -> ", sim::WriteStatusName(status));
      });
  if (status == sim::WriteStatus::kOk) return tag;
  // The socket reported the peer gone. asyncio and Twisted close the
  // transport and call connection_lost(exc) on a later loop turn; streams
  // leave it to the caller (drain() raises).
  transport_lost_ = true;
  FailPendingFutures();
  if (policy_.transport != TransportKind::kStreams && !lost_soon_pending_) {
    lost_soon_pending_ = true;
    executor_.Spawn(ConnectionLostSoon(this), "call_soon");
  }
  return 0;
}

void Server::CloseTransport() {
  transport_closing_ = true;
  endpoint_.Close();
}

sim::Task<void> Server::ConnectionLostSoon(Server* self) {
  // No-op when the reader noticed first.
  self->NoteServerNoticed(NoticeCause::kWriteFailed);
  self->ConnectionLost(/*clean=*/false);
  co_return;
}

sim::Task<void> Server::FlowWait() {
  executor_.Record(kEvFlow, 2, 0,
                   [] { return std::string("send waits on drain()"); });
  co_await writable_.Wait();
}

SendReturn Server::Delivered(uint64_t tag) {
  const bool ok = tag != 0;
  SendReturn r;
  r.wire_tag = tag;
  switch (policy_.send_after_close) {
    case SendAfterClose::kResult:
      r.kind = SendReturnKind::kResult;
      r.delivered = ok;
      break;
    case SendAfterClose::kFuture:
      r.kind = SendReturnKind::kFuture;
      r.future = std::make_shared<sim::Future<bool>>();
      if (!ok || transport_lost_) {
        r.future->SetResult(false);
      } else {
        pending_futures_.emplace_back(tag, r.future);
      }
      break;
    default:
      break;
  }
  return r;
}

SendReturn Server::AfterClose(const Message& message) {
  if (policy_.log_dropped_sends && message.type != MessageType::kWsClose) {
    Log(policy_.dropped_send_log);
  }
  switch (policy_.send_after_close) {
    case SendAfterClose::kRaise:
      policy_.send_error.Raise(MessageTypeName(message.type));
    case SendAfterClose::kRaiseRuntime:
      policy_.send_runtime_error.Raise(MessageTypeName(message.type));
    case SendAfterClose::kNoop:
      return SendReturn{};
    case SendAfterClose::kResult:
    case SendAfterClose::kFuture:
      return Delivered(0);
  }
  return SendReturn{};
}

void Server::StampKillClock() {
  if (kill_stamp_ == sim::Time::Infinite()) kill_stamp_ = executor_.Now();
}

void Server::StartApp() {
  if (app_task_.valid()) return;
  app_task_ = executor_.Spawn(RunApp(this), "app");
  request_start_ = executor_.Now();
  if (!policy_.kill_after.IsZero()) executor_.Spawn(Watchdog(this), "watchdog");
  if (protocol_ == Protocol::kHttp && !policy_.request_timeout.IsZero()) {
    executor_.Spawn(HttpTimeoutChecker(this), "timeout_checker");
  }
}

bool Server::IsSilencedOwnException(const std::exception_ptr& error) const {
  if (policy_.own_exception == OwnException::kLogged) return false;
  try {
    std::rethrow_exception(error);
  } catch (const py::ExceptionGroup& group) {
    if (policy_.own_exception != OwnException::kSilentAnywhere) return false;
    for (const std::exception_ptr& e : group.exceptions()) {
      if (!IsSilencedOwnException(e)) return false;
    }
    return !group.exceptions().empty();
  } catch (const py::BaseException& e) {
    // `except ClientDisconnected`: the server's own class (by its name and
    // MRO: a defined class is interned, one per name and base).
    const py::Class& own = *policy_.send_error.cls;
    return absl::string_view(e.TypeName()) == own.name() &&
           e.Mro().size() == own.mro().size();
  } catch (...) {
  }
  return false;
}

sim::Task<void> Server::RunApp(Server* self) {
  Outcome& out = self->outcome_;
  std::exception_ptr error;
  bool cancelled = false;
  try {
    co_await self->app_.Call(out.scope, *self->channel_);
  } catch (const sim::Cancelled&) {
    cancelled = true;
    error = std::current_exception();
  } catch (...) {
    error = std::current_exception();
  }
  out.app_end_time = self->executor_.Now();
  if (cancelled) {
    out.app_end = AppEnd::kCancelled;
    out.app_error = py::Describe(error);
  } else if (error) {
    out.app_end = AppEnd::kRaised;
    out.app_error = py::Describe(error);
    if (!self->IsSilencedOwnException(error)) {
      self->Log(
          LogLevel::kError, self->policy_.error_logger.c_str(),
          absl::StrCat(self->policy_.error_log_text, ": ", out.app_error.type,
                       out.app_error.message.empty() ? "" : "(",
                       out.app_error.message,
                       out.app_error.message.empty() ? "" : ")"));
    }
  } else {
    out.app_end = AppEnd::kReturned;
  }
  self->executor_.Record(kEvAppEnd, static_cast<int64_t>(out.app_end), 0, [&] {
    return absl::StrCat(AppEndName(out.app_end),
                        out.app_error.type[0] ? " " : "", out.app_error.type);
  });
  if (self->protocol_ == Protocol::kHttp) {
    self->HttpAfterApp();
  } else {
    self->WsAfterApp();
  }
}

sim::Task<void> Server::Watchdog(Server* self) {
  // daphne's application_checker: runs every interval, cancels the app once
  // the disconnect stamp is older than kill_after.
  // Its ticks are the server's (see DrawTimerPhase).
  for (;;) {
    co_await sim::Sleep(self->UntilNextTick(self->policy_.kill_check_interval));
    if (self->app_task_.done()) co_return;
    if (self->kill_stamp_ != sim::Time::Infinite() &&
        self->executor_.Now() - self->kill_stamp_ > self->policy_.kill_after) {
      self->Log(self->policy_.kill_log);
      self->outcome_.cancelled_by_watchdog = true;
      self->executor_.Record(kEvKill);
      self->app_task_.Cancel();
      co_return;
    }
  }
}

sim::Task<Message> Server::Receive() {
  if (policy_.receive_cancel == ReceiveCancel::kLost) return ReceiveFuture();
  if (protocol_ == Protocol::kHttp) return HttpReceive();
  return WsReceive();
}

std::optional<Message> Server::TakeReady() {
  if (policy_.delivery == Delivery::kOnce) return queue_.TryGet();
  return protocol_ == Protocol::kHttp ? HttpTakeReady() : WsTakeReady();
}

void Server::ResolveReceivers() {
  while (!receivers_.empty()) {
    std::optional<Message> m = TakeReady();
    if (!m) return;
    std::shared_ptr<sim::Future<Message>> f = std::move(receivers_.front());
    receivers_.erase(receivers_.begin());
    f->SetResult(*std::move(m));
  }
}

sim::Task<Message> Server::ReceiveFuture() {
  if (std::optional<Message> m = TakeReady()) co_return *std::move(m);
  auto f = std::make_shared<sim::Future<Message>>();
  receivers_.push_back(f);
  try {
    co_return co_await f->Wait();
  } catch (const sim::Cancelled&) {
    if (f->done()) {
      // Resolved, then cancelled before the app resumed: the message is
      // gone with the future.
      executor_.Record(
          kEvNotice, static_cast<int64_t>(NoticeCause::kReceiveLost), 0, [&] {
            return absl::StrCat("receive cancelled after it was resolved: ",
                                f->result().ToString(), " lost");
          });
    } else {
      receivers_.erase(std::find(receivers_.begin(), receivers_.end(), f));
    }
    throw;
  }
}

sim::Task<SendReturn> Server::Send(Message message) {
  if (protocol_ == Protocol::kHttp) return HttpSend(message);
  return WsSend(message);
}

}  // namespace models
