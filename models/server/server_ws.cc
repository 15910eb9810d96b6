// The WebSocket protocol part of the server model: the transport reader
// driving a protocol library's state (websockets, wsproto, autobahn,
// websockets sans-I/O, or none), the server's own flags around it, and the
// receive() and send() paths.
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "models/asgi/events.h"
#include "models/asgi/py_exceptions.h"
#include "models/server/server.h"

namespace models {
namespace {

constexpr uint32_t kHandshakeBytes = 160;
constexpr uint32_t kCloseBytes = 4;
// websockets' close_timeout, autobahn's closeHandshakeTimeout.
constexpr sim::Duration kWebsocketsCloseTimeout = sim::Seconds(10);
constexpr sim::Duration kAutobahnCloseTimeout = sim::Seconds(1);

Message WsDisconnect(int32_t code) {
  Message m = Message::Of(MessageType::kWsDisconnect);
  m.code = code;
  return m;
}

// websockets 10.4's Close.__str__ (frames.py ≈L386-400): the code and its
// explanation ("1001 (going away)", "4001 (private use)"). The close
// reason is not on the modelled wire, so it is never appended.
std::string WebsocketsCloseText(int32_t code) {
  const char* explanation = "unknown";
  if (code >= 3000 && code < 4000) {
    explanation = "registered";
  } else if (code >= 4000 && code < 5000) {
    explanation = "private use";
  } else {
    static constexpr struct {
      int32_t code;
      const char* text;
    } kCloseCodes[] = {
        {1000, "OK"},
        {1001, "going away"},
        {1002, "protocol error"},
        {1003, "unsupported type"},
        {1005, "no status code [internal]"},
        {1006, "connection closed abnormally [internal]"},
        {1007, "invalid data"},
        {1008, "policy violation"},
        {1009, "message too big"},
        {1010, "extension required"},
        {1011, "unexpected error"},
        {1012, "service restart"},
        {1013, "try again later"},
        {1014, "bad gateway"},
        {1015, "TLS failure [internal]"},
    };
    for (const auto& c : kCloseCodes) {
      if (c.code == code) explanation = c.text;
    }
  }
  return absl::StrCat(code, " (", explanation, ")");
}

}  // namespace

void Server::WsSetState(WsState state) {
  if (ws_state_ == state) return;
  ws_state_ = state;
  executor_.Record(kEvWsState, static_cast<int64_t>(state), 0,
                   [state] { return std::string(WsStateName(state)); });
  if (state == WsState::kClosed) {
    ws_closed_event_.Set();
    WakeReceivers();  // a waiting recv() raises now
    if (ws_close_timeout_.valid()) ws_close_timeout_.Cancel();
  }
}

void Server::ArmCloseTimeout(sim::Duration after) {
  if (ws_close_timeout_.valid()) return;
  ws_close_timeout_ =
      executor_.Spawn(WsCloseTimeout(this, after), "close_timeout");
}

void Server::WsQueueDisconnect(int32_t code, WsCode how) {
  if (how == WsCode::kNone || disconnect_queued_) return;
  if (how == WsCode::kNoKey) code = kNoCode;
  if (how == WsCode::k1006) code = ws_app_closed_ ? 1000 : 1006;
  if (policy_.delivery == Delivery::kOnce) {
    disconnect_queued_ = true;
    QueuePut(WsDisconnect(code));
  }
}

sim::Task<void> Server::WsReader(Server* self) {
  for (;;) {
    const sim::Segment s = co_await self->endpoint_.Read();
    if (self->ReaderSawClose(s, /*fin_ignorable=*/true)) co_return;
    const wire::Unit u = wire::Decode(s.tag);
    switch (u.frame) {
      case wire::Frame::kWsUpgrade:
        self->Enqueue(Message::Of(MessageType::kWsConnect));
        self->StartApp();
        break;
      case wire::Frame::kWsData: {
        Message m = Message::Of(MessageType::kWsReceive);
        m.seq = u.seq;
        m.bytes = s.bytes;
        self->Enqueue(m);
        break;
      }
      case wire::Frame::kWsClose:
        self->WsPeerCloseFrame(u.code);
        if (self->ws_state_ == WsState::kClosed &&
            self->policy_.ws_library != WsLibrary::kAutobahn) {
          co_return;  // the library closed the transport
        }
        break;
      default:
        break;
    }
  }
}

void Server::WsWriteCloseFrame(int32_t code) {
  TransportWrite(kCloseBytes, {wire::Frame::kWsClose, code, 0, true});
}

void Server::WsPeerCloseFrame(int32_t code) {
  ws_close_code_ = code == kNoCode ? 1005 : code;
  NoteServerNoticed(NoticeCause::kCloseFrame);
  const bool we_closed_first = ws_state_ == WsState::kLocalClosing;
  switch (policy_.ws_library) {
    case WsLibrary::kWebsockets:
      // Echo, then wait for TCP to close (websockets' close_connection).
      if (!we_closed_first) WsWriteCloseFrame(code);
      WsSetState(WsState::kClosing);
      ArmCloseTimeout(kWebsocketsCloseTimeout);
      return;
    case WsLibrary::kWsproto:
      // uvicorn/hypercorn handle_close: reply if REMOTE_CLOSING, queue the
      // disconnect, close the transport.
      if (!we_closed_first) {
        WsSetState(WsState::kRemoteClosing);
        WsWriteCloseFrame(code);
      }
      WsSetState(WsState::kClosed);
      WsQueueDisconnect(ws_close_code_, policy_.ws_code_on_close_frame);
      disconnected_ = true;
      CloseTransport();
      return;
    case WsLibrary::kAutobahn:
      // onCloseFrame: reply 1000, dropConnection() sets CLOSED at once; the
      // TCP close and onClose come one loop turn later.
      if (!we_closed_first) WsWriteCloseFrame(1000);
      WsSetState(WsState::kClosed);
      transport_closing_ = true;
      executor_.Spawn(WsOnCloseSoon(this, ws_close_code_), "connectionLost");
      return;
    case WsLibrary::kSansio:
      if (!we_closed_first) WsWriteCloseFrame(code);
      WsSetState(WsState::kClosing);
      WsQueueDisconnect(ws_close_code_, policy_.ws_code_on_close_frame);
      CloseTransport();
      return;
    case WsLibrary::kIdeal:
      if (!we_closed_first) WsWriteCloseFrame(code);
      WsSetState(WsState::kClosed);
      disconnected_ = true;
      WsQueueDisconnect(ws_close_code_, policy_.ws_code_on_close_frame);
      CloseTransport();
      return;
  }
}

sim::Task<void> Server::WsOnCloseSoon(Server* self, int32_t code) {
  co_await sim::Yield();  // Twisted's connectionLost runs on a later turn
  if (self->ws_on_close_done_) co_return;
  self->ws_on_close_done_ = true;
  self->transport_lost_ = true;
  self->endpoint_.Close();
  // daphne's onClose: stamp the connection disconnected, queue the
  // disconnect with the peer's code.
  self->disconnected_ = true;
  self->StampKillClock();
  self->WsQueueDisconnect(code, self->policy_.ws_code_on_close_frame);
}

sim::Task<void> Server::WsCloseTimeout(Server* self, sim::Duration after) {
  co_await sim::Sleep(after);
  if (self->ws_state_ == WsState::kClosed) co_return;
  self->transport_closing_ = true;
  self->endpoint_.Abort();
  self->WsConnectionLost(/*clean=*/false);
}

void Server::WsConnectionLost(bool clean) {
  const bool first = !transport_lost_ || !disconnected_;
  transport_lost_ = true;
  FailPendingFutures();
  NoteServerNoticed(clean ? NoticeCause::kFin : NoticeCause::kRst);
  if (policy_.flow_release == FlowRelease::kReleased) writable_.Set();
  if (!first && ws_state_ == WsState::kClosed) return;
  const WsCode how = clean ? policy_.ws_code_on_fin : policy_.ws_code_on_rst;
  switch (policy_.ws_library) {
    case WsLibrary::kWebsockets:
      WsSetState(WsState::kClosed);  // 1006 unless a close handshake ran
      break;
    case WsLibrary::kWsproto:
    case WsLibrary::kSansio:
      // The library state stays as it was (OPEN): only the glue reacts.
      if (ws_state_ != WsState::kClosed) WsQueueDisconnect(1006, how);
      if (policy_.ws_closed_guard && how != WsCode::kNone) disconnected_ = true;
      break;
    case WsLibrary::kAutobahn:
      WsSetState(WsState::kClosed);
      if (!ws_on_close_done_) {
        ws_on_close_done_ = true;
        disconnected_ = true;
        StampKillClock();
        WsQueueDisconnect(WsPeerCode(), ws_close_code_ != kNoCode
                                            ? policy_.ws_code_on_close_frame
                                            : how);
      }
      break;
    case WsLibrary::kIdeal:
      if (ws_state_ != WsState::kClosed) WsQueueDisconnect(1006, how);
      WsSetState(WsState::kClosed);
      disconnected_ = true;
      break;
  }
  StampKillClock();
}

sim::Task<Message> Server::WsReceive() {
  if (policy_.delivery == Delivery::kOnce) co_return co_await queue_.Get();
  // websockets' recv(): queued messages first; raises once CLOSED, which
  // uvicorn turns into a disconnect and its closed_event.
  for (;;) {
    if (std::optional<Message> m = WsTakeReady()) co_return *std::move(m);
    message_event_.Clear();
    co_await message_event_.Wait();
  }
}

std::optional<Message> Server::WsTakeReady() {
  if (policy_.ws_receive_marks_closed && ws_app_closed_) {
    return WsDisconnect(WsPeerCode());
  }
  if (!body_.empty()) {
    Message m = body_.front();
    body_.pop_front();
    return m;
  }
  if (ws_state_ != WsState::kClosed) return std::nullopt;
  if (policy_.ws_receive_marks_closed) ws_app_closed_ = true;
  return WsDisconnect(WsPeerCode());
}

void Server::WsThrowLibraryError(const Message& m) {
  switch (policy_.ws_library) {
    case WsLibrary::kWebsockets: {
      // ConnectionClosed.__str__ (exceptions.py ≈L100-117); the echo
      // repeats the peer's code. OK only if both codes are in
      // OK_CLOSE_CODES (legacy/protocol.py connection_closed_exc).
      if (ws_close_code_ == kNoCode) {
        throw py::ConnectionClosedError("no close frame received or sent");
      }
      const std::string code = WebsocketsCloseText(ws_close_code_);
      std::string text = absl::StrCat("received ", code, "; then sent ", code);
      if (ws_close_code_ == 1000 || ws_close_code_ == 1001) {
        throw py::ConnectionClosedOK(std::move(text));
      }
      throw py::ConnectionClosedError(std::move(text));
    }
    case WsLibrary::kWsproto:
      throw py::LocalProtocolError(absl::StrCat(
          "Event ",
          m.type == MessageType::kWsClose ? "CloseConnection" : "Message",
          "(...) cannot be sent in state ConnectionState.",
          WsStateName(ws_state_ == WsState::kClosing ? WsState::kClosed
                                                     : ws_state_),
          "."));
    case WsLibrary::kAutobahn:
      throw py::Disconnected("Attempt to send on a closed protocol");
    case WsLibrary::kSansio:
      throw py::InvalidState(
          absl::StrCat("connection is ", WsStateName(ws_state_)));
    case WsLibrary::kIdeal:
      policy_.send_error.Raise(MessageTypeName(m.type));
  }
  throw py::RuntimeError("unreachable");
}

sim::Task<SendReturn> Server::WsLibraryRefused(const Message& m) {
  switch (policy_.library_errors) {
    case LibraryErrors::kLeak:
      WsThrowLibraryError(m);
    case LibraryErrors::kSwallow:
      co_return SendReturn{};
    case LibraryErrors::kTranslate:
      co_return AfterClose(m);
  }
  co_return SendReturn{};
}

sim::Task<SendReturn> Server::WsSend(Message m) {
  // 1. Flow control (wsproto waits on `writable` for every message).
  if (policy_.flow_release != FlowRelease::kNoBackpressure &&
      endpoint_.write_paused() &&
      (policy_.flow_release == FlowRelease::kNotReleased || !disconnected_)) {
    co_await FlowWait();
  }
  const absl::string_view type = MessageTypeName(m.type);
  // 2. The app closed (or the server decided it did): uvicorn raises.
  if (ws_app_closed_ && policy_.ws_close_twice_raises) {
    policy_.ws_after_close_error.Raise(type);
  }
  // 3. The server's own closed flag (hypercorn's closed, daphne's stamp).
  if (policy_.ws_closed_guard && disconnected_) co_return AfterClose(m);
  if (m.type == MessageType::kWsClose) co_return co_await WsSendClose(m);
  if (ws_state_ == WsState::kConnecting) {
    if (m.type == MessageType::kWsAccept) {
      WsSetState(WsState::kOpen);
      if (policy_.ws_library == WsLibrary::kWebsockets && transport_lost_) {
        // websockets writes the handshake itself and handles a lost
        // connection there; the app's accept just returns.
        co_return SendReturn{};
      }
      const wire::Unit unit{wire::Frame::kWsAccept, 101, 0, false};
      co_return Delivered(TransportWrite(kHandshakeBytes, unit));
    }
    if (policy_.invalid_report == InvalidReport::kDaphne) {
      throw py::ValueError(
          "Socket has not been accepted, so cannot send over it");
    }
    throw py::RuntimeError(
        absl::StrCat("Expected ASGI message 'websocket.accept' or "
                     "'websocket.close', but got '",
                     type, "'."));
  }
  if (m.type != MessageType::kWsSend) {
    if (policy_.invalid_report == InvalidReport::kHypercorn) {
      throw py::UnexpectedMessageError(
          absl::StrCat("Unexpected message type, ", type,
                       " given the state ASGIWebsocketState.CONNECTED"));
    }
    throw py::RuntimeError(
        absl::StrCat("Expected ASGI message 'websocket.send' or "
                     "'websocket.close', but got '",
                     type, "'."));
  }
  if (ws_app_closed_ && policy_.invalid_report == InvalidReport::kHypercorn) {
    throw py::UnexpectedMessageError(
        "Unexpected message type, websocket.send given the state "
        "ASGIWebsocketState.CLOSED");
  }
  co_return co_await WsSendData(m);
}

sim::Task<SendReturn> Server::WsSendData(Message m) {
  if (policy_.ws_library == WsLibrary::kWebsockets &&
      ws_state_ == WsState::kClosing) {
    // ensure_open(): wait for the closing handshake and TCP close, then raise.
    co_await ws_closed_event_.Wait();
  }
  const bool open = ws_state_ == WsState::kOpen;
  if (!open) co_return co_await WsLibraryRefused(m);
  if (policy_.ws_library == WsLibrary::kIdeal && transport_lost_) {
    co_return AfterClose(m);
  }
  if (policy_.ws_library == WsLibrary::kWsproto &&
      (transport_lost_ || transport_closing_)) {
    co_return Delivered(0);  // `if not transport.is_closing()`: dropped
  }
  const wire::Unit unit{wire::Frame::kWsData, -1, m.seq, false};
  co_return Delivered(TransportWrite(m.bytes, unit));
}

sim::Task<SendReturn> Server::WsSendClose(Message m) {
  const int32_t code = m.code == kNoCode ? 1000 : m.code;
  if (ws_state_ == WsState::kConnecting) {
    WsSetState(WsState::kClosed);
    ws_app_closed_ = true;
    TransportWrite(kHandshakeBytes, {wire::Frame::kWsReject, 403, 0, true});
    co_return SendReturn{};
  }
  const bool second = ws_app_closed_;
  switch (policy_.ws_library) {
    case WsLibrary::kWebsockets:
      // close(): send the frame, wait for the handshake and TCP close.
      if (ws_state_ == WsState::kOpen) {
        WsWriteCloseFrame(code);
        WsSetState(WsState::kLocalClosing);
        ArmCloseTimeout(kWebsocketsCloseTimeout);
      }
      co_await ws_closed_event_.Wait();
      ws_app_closed_ = true;
      co_return SendReturn{};
    case WsLibrary::kWsproto:
      if (!second && policy_.ws_own_close_queues_disconnect) {
        // uvicorn wsproto queues a disconnect carrying the app's own code.
        WsQueueDisconnect(code, WsCode::kPeerOr1006);
      }
      ws_app_closed_ = true;
      if (ws_state_ == WsState::kOpen) {
        WsSetState(WsState::kLocalClosing);
      } else if (ws_state_ == WsState::kRemoteClosing) {
        WsSetState(WsState::kClosed);
      } else {
        // CloseConnection cannot be sent in LOCAL_CLOSING or CLOSED.
        co_return co_await WsLibraryRefused(m);
      }
      if (!transport_lost_ && !transport_closing_) {
        WsWriteCloseFrame(code);
      }
      co_return SendReturn{};
    case WsLibrary::kAutobahn:
      ws_app_closed_ = true;
      if (ws_state_ == WsState::kOpen) {
        WsWriteCloseFrame(code);
        WsSetState(WsState::kLocalClosing);
        ArmCloseTimeout(kAutobahnCloseTimeout);
      }
      co_return SendReturn{};  // sendCloseFrame ignores CLOSING and CLOSED
    case WsLibrary::kSansio:
    case WsLibrary::kIdeal:
      ws_app_closed_ = true;
      if (ws_state_ == WsState::kOpen) {
        if (transport_lost_) co_return AfterClose(m);
        WsWriteCloseFrame(code);
        WsSetState(WsState::kLocalClosing);
      }
      co_return SendReturn{};  // a second close is a no-op
  }
  co_return SendReturn{};
}

void Server::WsAfterApp() {
  if (ws_state_ == WsState::kConnecting) {
    // No handshake: a 500 (uvicorn logs it).
    TransportWrite(kHandshakeBytes, {wire::Frame::kWsReject, 500, 0, true});
    CloseTransport();
    return;
  }
  if (ws_state_ != WsState::kOpen || transport_lost_) return;
  if (outcome_.app_end == AppEnd::kRaised) {
    CloseTransport();
    return;
  }
  switch (policy_.ws_on_app_exit) {
    case WsOnAppExit::kNothing:
      return;
    case WsOnAppExit::kClose1000:
    case WsOnAppExit::kClose1006: {
      const int32_t code =
          policy_.ws_on_app_exit == WsOnAppExit::kClose1000 ? 1000 : 1006;
      WsWriteCloseFrame(code);
      WsSetState(WsState::kLocalClosing);
      return;
    }
  }
}

}  // namespace models
