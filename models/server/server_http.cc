// The HTTP/1.1 protocol part of the server model: the transport reader
// turning segments into request events and connection loss, and the
// receive() and send() paths with their ordered checks.
#include <optional>

#include "absl/strings/str_cat.h"
#include "models/asgi/events.h"
#include "models/asgi/py_exceptions.h"
#include "models/server/server.h"

namespace models {
namespace {

constexpr uint32_t kHeadBytes = 120;

Message Disconnect() { return Message::Of(MessageType::kHttpDisconnect); }

}  // namespace

sim::Task<void> Server::HttpReader(Server* self) {
  for (;;) {
    const sim::Segment s = co_await self->endpoint_.Read();
    // A FIN is ignorable only once the request is complete.
    if (self->ReaderSawClose(s, self->request_complete_)) co_return;
    const wire::Unit u = wire::Decode(s.tag);
    if (u.frame != wire::Frame::kReqHead && u.frame != wire::Frame::kReqBody) {
      continue;
    }
    Message m = Message::Of(MessageType::kHttpRequest);
    m.seq = self->next_request_seq_++;
    m.more_body = !u.last;
    m.bytes = u.frame == wire::Frame::kReqHead ? 0 : s.bytes;
    if (u.last) self->request_complete_ = true;
    if (u.frame == wire::Frame::kReqHead) self->StartApp();
    if (u.frame == wire::Frame::kReqHead && !u.last) continue;
    self->Enqueue(m);
  }
}

void Server::HttpMarkDisconnected() {
  disconnected_ = true;
  if (policy_.delivery == Delivery::kRepeat) {
    WakeReceivers();
  } else if (!disconnect_queued_) {
    disconnect_queued_ = true;
    QueuePut(Disconnect());
  }
}

void Server::HttpConnectionLost(bool clean) {
  if (transport_lost_ && disconnected_) return;
  transport_lost_ = true;
  FailPendingFutures();
  NoteServerNoticed(clean ? NoticeCause::kFin : NoticeCause::kRst);
  if (!(policy_.loss_after_complete_ignored && response_complete_)) {
    HttpMarkDisconnected();
  }
  StampKillClock();
  if (policy_.flow_release == FlowRelease::kReleased) writable_.Set();
}

sim::Task<Message> Server::HttpReceive() {
  if (policy_.delivery == Delivery::kOnce) {
    co_return co_await queue_.Get();
  }
  // uvicorn: wait for a message unless disconnected or complete.
  for (;;) {
    if (std::optional<Message> m = HttpTakeReady()) co_return *std::move(m);
    message_event_.Clear();
    co_await message_event_.Wait();
  }
}

std::optional<Message> Server::HttpTakeReady() {
  // The disconnect wins over any unread body.
  if (disconnected_ || (policy_.complete_is_disconnect && response_complete_)) {
    return Disconnect();
  }
  if (body_.empty()) return std::nullopt;
  Message m = body_.front();
  body_.pop_front();
  return m;
}

void Server::HttpInvalid(const Message& m) {
  const std::string type(MessageTypeName(m.type));
  const bool unknown = m.type != MessageType::kHttpResponseStart &&
                       m.type != MessageType::kHttpResponseBody;
  switch (policy_.invalid_report) {
    case InvalidReport::kUvicorn:
      throw py::RuntimeError(absl::StrCat(
          "Expected ASGI message '",
          response_started_ ? "http.response.body" : "http.response.start",
          "', but got '", type, "'."));
    case InvalidReport::kHypercorn:
      if (!response_started_ && m.type == MessageType::kHttpResponseBody) {
        throw py::AttributeError(
            "'HTTPStream' object has no attribute 'response'");
      }
      throw py::UnexpectedMessageError(absl::StrCat(
          "Unexpected message type, ", type, " given the state ASGIHTTPState.",
          response_started_ ? "RESPONSE" : "REQUEST"));
    case InvalidReport::kDaphne:
      if (unknown) {
        throw py::ValueError(
            absl::StrCat("Cannot handle message type ", type, "!"));
      }
      throw py::ValueError(response_started_
                               ? "HTTP response has already been started"
                               : absl::StrCat("HTTP response has not yet been "
                                              "started but got ",
                                              type));
    case InvalidReport::kGranian:
      throw py::RuntimeError(response_started_
                                 ? "ASGI flow error: Response already started"
                                 : "ASGI flow error: Response not started");
    case InvalidReport::kSpec:
      throw py::RuntimeError(absl::StrCat(
          "Invalid ASGI message '", type, "' in state ",
          response_started_ ? "response-started" : "response-not-started"));
  }
  throw py::RuntimeError("invalid message");
}

sim::Task<SendReturn> Server::HttpSend(Message m) {
  // 1. Flow control: a paused transport makes send() wait in drain().
  if (policy_.flow_release != FlowRelease::kNoBackpressure &&
      endpoint_.write_paused() && !disconnected_) {
    co_await FlowWait();
  }
  // 2. After the final body the www spec ignores everything; a server that
  // follows it does so before looking at the close.
  if (response_complete_ && policy_.after_complete == AfterComplete::kIgnore) {
    co_return SendReturn{};
  }
  // 3. A known close returns before any order check (when it masks).
  if (disconnected_ && policy_.close_masks_invalid) co_return AfterClose(m);
  // 4. Order checks against the server's own response state.
  if (response_complete_) {
    policy_.after_complete_error.Raise(MessageTypeName(m.type));
  }
  const bool valid = response_started_
                         ? m.type == MessageType::kHttpResponseBody
                         : m.type == MessageType::kHttpResponseStart;
  if (!valid) HttpInvalid(m);
  if (disconnected_) {
    // The message still reaches the protocol's state machine (hypercorn
    // 0.18, granian); only the write goes nowhere.
    if (m.type == MessageType::kHttpResponseStart) response_started_ = true;
    if (m.type == MessageType::kHttpResponseBody && !m.more_body) {
      response_complete_ = true;
    }
    co_return AfterClose(m);
  }
  // 5. Write.
  wire::Unit unit;
  uint32_t bytes = kHeadBytes;
  if (m.type == MessageType::kHttpResponseStart) {
    response_started_ = true;
    unit = {wire::Frame::kRespHead, m.status, 0, false};
  } else {
    unit = {wire::Frame::kRespBody, -1, m.seq, !m.more_body};
    bytes = m.bytes;
  }
  const uint64_t tag = TransportWrite(bytes, unit);
  if (tag == 0 && policy_.transport == TransportKind::kStreams &&
      !disconnected_) {
    // hypercorn: drain() raised ConnectionError; protocol_send turns it into
    // a Closed event, which closes the stream and queues the disconnect.
    NoteServerNoticed(NoticeCause::kWriteFailed);
    HttpConnectionLost(/*clean=*/false);
    CancelOnReset();
  }
  if (m.type == MessageType::kHttpResponseBody && !m.more_body) {
    response_complete_ = true;
    if (policy_.complete_is_disconnect && policy_.delivery == Delivery::kOnce) {
      // The stream closes with the response (hypercorn's StreamClosed,
      // daphne's finish()): later sends see a closed connection.
      HttpMarkDisconnected();
    }
    if (policy_.complete_stamps_kill_clock) StampKillClock();
  }
  co_return Delivered(tag);
}

void Server::HttpAfterApp() {
  if (outcome_.app_end == AppEnd::kReturned &&
      policy_.log_incomplete_response && !disconnected_) {
    if (!response_started_) {
      Log(policy_.incomplete_response_log, "starting");
    } else if (!response_complete_) {
      Log(policy_.incomplete_response_log, "completing");
    }
  }
  // An unfinished response ends the connection (uvicorn closes the
  // transport, hypercorn closes the stream); the client sees EOF.
  if (!response_complete_ && !transport_lost_ && !transport_closing_) {
    CloseTransport();
  }
}

sim::Task<void> Server::HttpTimeoutChecker(Server* self) {
  // daphne's timeout_checker: every interval, for every connection still
  // known (the application checker forgets it once the app is done).
  for (;;) {
    co_await sim::Sleep(
        self->UntilNextTick(self->policy_.timeout_check_interval));
    if (self->app_task_.done()) co_return;
    if (self->executor_.Now() - self->request_start_ >
            self->policy_.request_timeout &&
        !self->HttpTimedOut()) {
      co_return;
    }
  }
}

bool Server::HttpTimedOut() {
  // check_timeouts (http_protocol.py@4.0.0 ≈L302-316): a started response
  // is logged and finished, on every tick; otherwise a 503 (which starts
  // and finishes it, so the next tick logs).
  if (!response_started_) {
    response_started_ = true;
    TransportWrite(kHeadBytes, {wire::Frame::kRespHead, 503, 0, false});
  } else {
    Log(policy_.timeout_log);
  }
  // finish(): send_disconnect() queues another http.disconnect on every
  // call; Twisted's Request.finish() raises once the connection is lost,
  // which ends the checker loop (its callLater is never re-armed).
  if (policy_.delivery == Delivery::kOnce) {
    disconnected_ = true;
    disconnect_queued_ = true;
    QueuePut(Disconnect());
  } else {
    HttpMarkDisconnected();
  }
  if (transport_lost_) return false;
  if (!response_complete_) {
    response_complete_ = true;
    TransportWrite(5, {wire::Frame::kRespBody, -1, 0, true});
  }
  StampKillClock();
  return true;
}

}  // namespace models
