// App models, each named after the pattern it stands for. They let
// exceptions propagate unless their pattern catches them, as the Python apps
// they model do.
#include "models/app/apps.h"

#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "models/asgi/events.h"
#include "models/asgi/py_exceptions.h"
#include "models/asgi/registry.h"
#include "sim/task_group.h"
#include "sim/timeout.h"

namespace models {
namespace {

constexpr int kChunks = 20;
constexpr sim::Duration kInterval = sim::Millis(10);

void Note(AppContext& ctx, const char* what) {
  ctx.executor.Record(kEvAppNote, 0, 0, [what] { return std::string(what); });
}

// Starlette's Request.is_disconnected(): receive() inside an already
// cancelled anyio scope. It only sees a message available without
// suspending; a message obtained so is discarded unless it is a disconnect.
sim::Task<bool> IsDisconnected(Channel& ch) {
  sim::TaskState* self = co_await sim::CurrentTask();
  self->executor->Cancel(self);
  bool disconnected = false;
  try {
    Message m = co_await ch.Receive();
    disconnected = m.type == MessageType::kHttpDisconnect;
  } catch (const sim::Cancelled&) {
  }
  // The scope absorbs its own cancellation, delivered or not.
  self->cancel_pending = false;
  self->Uncancel();
  co_return disconnected;
}

sim::Task<void> StreamChunks(Channel& ch, int chunks, sim::Duration interval,
                             uint32_t bytes = 64) {
  co_await ch.Send(Message::Start());
  for (int i = 0; i < chunks; ++i) {
    co_await ch.Send(Message::Body(static_cast<uint32_t>(i), true, bytes));
    co_await sim::Sleep(interval);
  }
  co_await ch.Send(Message::Body(static_cast<uint32_t>(chunks), false, 0));
}

// WebSocket: `messages` sends, each followed by a pause of `interval`.
sim::Task<void> PushMessages(Channel& ch, int messages, sim::Duration interval,
                             uint32_t bytes = 32) {
  for (int i = 0; i < messages; ++i) {
    co_await ch.Send(Message::WsSend(static_cast<uint32_t>(i), bytes));
    co_await sim::Sleep(interval);
  }
}

// receive() until the request body ends (or something else arrives).
sim::Task<void> ReadRequestBody(Channel& ch) {
  for (;;) {
    Message m = co_await ch.Receive();
    if (m.type != MessageType::kHttpRequest || !m.more_body) co_return;
  }
}

// Runs `body` as the block of a try/finally whose finally counts a cleanup.
sim::Task<void> WithCleanup(Outcome& outcome, sim::Task<void> body) {
  outcome.cleanup_armed = true;
  try {
    co_await std::move(body);
  } catch (...) {
    ++outcome.cleanups;
    throw;
  }
  ++outcome.cleanups;
}

class SseStream : public App {
 public:
  sim::Task<void> Call(const Scope&, Channel& ch) override {
    co_await StreamChunks(ch, kChunks, kInterval);
  }
};

class BulkStream : public App {
 public:
  sim::Task<void> Call(const Scope&, Channel& ch) override {
    co_await StreamChunks(ch, kChunks, sim::Millis(1), 64 * 1024);
  }
};

// Starlette 0.26.1 StreamingResponse: stream_response and
// listen_for_disconnect in one anyio task group; whichever ends first
// cancels the group. anyio 3 re-raises a lone failure as is;
// `asyncio_groups` wraps failures in an ExceptionGroup (anyio 4, Python 3.11
// asyncio.TaskGroup).
class StreamWithListener : public App {
 public:
  StreamWithListener(AppContext& ctx, bool asyncio_groups)
      : ctx_(ctx), asyncio_groups_(asyncio_groups) {}

  sim::Task<void> Call(const Scope&, Channel& ch) override {
    sim::TaskGroup group(ctx_.executor);
    group.Spawn(StreamAndCancel(&group, &ch), "stream_response");
    group.Spawn(ListenAndCancel(&group, &ch), "listen_for_disconnect");
    std::vector<std::exception_ptr> errors = co_await group.JoinCollect();
    if (errors.empty()) co_return;
    if (asyncio_groups_ || errors.size() > 1) {
      throw py::ExceptionGroup("unhandled errors in a TaskGroup",
                               std::move(errors));
    }
    std::rethrow_exception(errors.front());
  }

 private:
  static sim::Task<void> StreamAndCancel(sim::TaskGroup* group, Channel* ch) {
    co_await StreamChunks(*ch, kChunks, kInterval);
    group->CancelAll();
  }
  static sim::Task<void> ListenAndCancel(sim::TaskGroup* group, Channel* ch) {
    co_await ReceiveUntil(*ch, MessageType::kHttpDisconnect);
    group->CancelAll();
  }

  AppContext& ctx_;
  bool asyncio_groups_;
};

class RequestResponse : public App {
 public:
  sim::Task<void> Call(const Scope&, Channel& ch) override {
    co_await ReadRequestBody(ch);
    co_await sim::Sleep(sim::Millis(50));  // the work
    co_await ch.Send(Message::Start());
    co_await ch.Send(Message::Body(0, false, 256));
  }
};

// Catches what its sends raise, as the conformance probes do.
sim::Task<void> SendIgnoringErrors(Channel* ch, Message m) {
  try {
    co_await ch->Send(m);
  } catch (const py::Exception&) {
  }
}

// Completes its response, then sends a second start; catches what the sends
// raise, as the conformance suite's probe app does.
class SendAfterComplete : public App {
 public:
  sim::Task<void> Call(const Scope&, Channel& ch) override {
    co_await SendIgnoringErrors(&ch, Message::Start());
    co_await SendIgnoringErrors(&ch, Message::Body(0, false, 64));
    co_await sim::Sleep(sim::Millis(250));
    co_await SendIgnoringErrors(&ch, Message::Start());
  }
};

sim::Task<Message> ReceiveOnce(Channel* ch) {
  co_return co_await ch->Receive();
}

class ReceiveAfterDisconnect : public App {
 public:
  sim::Task<void> Call(const Scope&, Channel& ch) override {
    co_await ReadRequestBody(ch);
    co_await ch.Send(Message::Start());
    co_await ch.Send(Message::Body(0, true, 64));
    for (int i = 0; i < 3; ++i) {
      try {
        (void)co_await sim::WaitFor(ReceiveOnce(&ch), sim::Millis(1500));
      } catch (const sim::TimeoutError&) {
      }
    }
  }
};

// Streams; stops at the first exception it is written to catch.
class CatchingStream : public App {
 public:
  CatchingStream(AppContext& ctx, bool only_oserror)
      : ctx_(ctx), only_oserror_(only_oserror) {}
  sim::Task<void> Call(const Scope&, Channel& ch) override {
    try {
      co_await StreamChunks(ch, kChunks, kInterval);
    } catch (const py::OSError&) {
      Note(ctx_, "caught OSError: stopping");
    } catch (const py::Exception&) {
      if (only_oserror_) throw;
      Note(ctx_, "caught Exception: stopping");
    }
  }

 private:
  AppContext& ctx_;
  bool only_oserror_;
};

// Checks what send() returns: a SendResult or a future; stops when a chunk
// was not delivered.
class CheckResults : public App {
 public:
  explicit CheckResults(AppContext& ctx) : ctx_(ctx) {}
  sim::Task<void> Call(const Scope&, Channel& ch) override {
    co_await ch.Send(Message::Start());
    for (int i = 0; i < kChunks; ++i) {
      SendReturn r =
          co_await ch.Send(Message::Body(static_cast<uint32_t>(i), true));
      bool delivered = true;
      if (r.kind == SendReturnKind::kResult) delivered = r.delivered;
      if (r.kind == SendReturnKind::kFuture)
        delivered = co_await r.future->Wait();
      if (!delivered) {
        Note(ctx_, "send reported not delivered: stopping");
        co_return;
      }
      co_await sim::Sleep(kInterval);
    }
    co_await ch.Send(Message::Body(kChunks, false, 0));
  }

 private:
  AppContext& ctx_;
};

// Cleanup in `finally`, then background work after the response (a
// BackgroundTask, or channels' post-response work).
class CleanupBackground : public App {
 public:
  explicit CleanupBackground(AppContext& ctx) : ctx_(ctx) {}
  sim::Task<void> Call(const Scope&, Channel& ch) override {
    co_await WithCleanup(ctx_.outcome, StreamChunks(ch, 5, kInterval));
    ctx_.outcome.background_started = true;
    co_await sim::Sleep(sim::Seconds(15));  // e.g. sending an email
    ctx_.outcome.background_done = true;
  }

 private:
  AppContext& ctx_;
};

// A long computation that polls request.is_disconnected() between steps
// (vllm, starlette discussion #2094), answering only at the end.
class DisconnectPoller : public App {
 public:
  explicit DisconnectPoller(AppContext& ctx) : ctx_(ctx) {}
  sim::Task<void> Call(const Scope&, Channel& ch) override {
    for (int step = 0; step < 30; ++step) {
      co_await sim::Sleep(sim::Millis(100));
      if (co_await IsDisconnected(ch)) {
        Note(ctx_, "is_disconnected(): stopping the work");
        co_return;
      }
    }
    co_await ch.Send(Message::Start());
    co_await ch.Send(Message::Body(0, false, 256));
  }

 private:
  AppContext& ctx_;
};

// An SSE generator that sends one event, then awaits an event source that
// never fires again; cleanup in `finally` (emmett-framework/granian#412).
class SseIdle : public App {
 public:
  explicit SseIdle(AppContext& ctx) : ctx_(ctx) {}
  sim::Task<void> Call(const Scope&, Channel& ch) override {
    co_await WithCleanup(ctx_.outcome, OneEventThenIdle(&ch, &never_));
  }

 private:
  static sim::Task<void> OneEventThenIdle(Channel* ch, sim::Event* never) {
    co_await ch->Send(Message::Start());
    co_await ch->Send(Message::Body(0, true));
    co_await never->Wait();
  }

  AppContext& ctx_;
  sim::Event never_;
};

// Long polling: starts the response, then waits for the client to leave
// (receive() until http.disconnect), then returns.
class LongPoll : public App {
 public:
  sim::Task<void> Call(const Scope&, Channel& ch) override {
    co_await ReadRequestBody(ch);
    co_await ch.Send(Message::Start());
    co_await ch.Send(Message::Body(0, true));
    co_await ReceiveUntil(ch, MessageType::kHttpDisconnect);
  }
};

// --- WebSocket ---

sim::Task<void> AcceptAfterConnect(Channel& ch) {
  (void)co_await ch.Receive();  // websocket.connect
  co_await ch.Send(Message::Accept());
}

class WsPush : public App {
 public:
  WsPush(sim::Duration interval, int messages)
      : interval_(interval), messages_(messages) {}
  sim::Task<void> Call(const Scope&, Channel& ch) override {
    co_await AcceptAfterConnect(ch);
    co_await PushMessages(ch, messages_, interval_);
  }

 private:
  sim::Duration interval_;
  int messages_;
};

// fastapi#2370: a reader task awaiting receive() and a producer task
// sending, in one task group; the reader returns on the disconnect.
class WsReaderProducer : public App {
 public:
  explicit WsReaderProducer(AppContext& ctx) : ctx_(ctx) {}
  sim::Task<void> Call(const Scope&, Channel& ch) override {
    co_await AcceptAfterConnect(ch);
    sim::TaskGroup group(ctx_.executor);
    group.Spawn(ReceiveUntil(ch, MessageType::kWsDisconnect), "reader");
    group.Spawn(PushMessages(ch, kChunks, kInterval), "producer");
    std::vector<std::exception_ptr> errors = co_await group.JoinCollect();
    if (!errors.empty()) std::rethrow_exception(errors.front());
  }

 private:
  AppContext& ctx_;
};

// nicegui#1467: cleanup on websocket.disconnect calls websocket.close().
class WsCloseOnDisconnect : public App {
 public:
  sim::Task<void> Call(const Scope&, Channel& ch) override {
    co_await AcceptAfterConnect(ch);
    co_await ReceiveUntil(ch, MessageType::kWsDisconnect);
    co_await ch.Send(Message::WsClose(1000));
  }
};

class WsCloseThenSend : public App {
 public:
  sim::Task<void> Call(const Scope&, Channel& ch) override {
    co_await AcceptAfterConnect(ch);
    co_await SendIgnoringErrors(&ch, Message::WsClose(1000));
    co_await SendIgnoringErrors(&ch, Message::WsSend(0));
    co_await SendIgnoringErrors(&ch, Message::WsClose(1000));
  }
};

class WsReceiveAfterClose : public App {
 public:
  sim::Task<void> Call(const Scope&, Channel& ch) override {
    co_await AcceptAfterConnect(ch);
    bool sent = false;
    for (int i = 0; i < 3; ++i) {
      Message m;
      try {
        m = co_await sim::WaitFor(ReceiveOnce(&ch), sim::Millis(1500));
      } catch (const sim::TimeoutError&) {
        continue;
      }
      if (m.type == MessageType::kWsDisconnect && !sent) {
        sent = true;
        co_await SendIgnoringErrors(&ch, Message::WsSend(0));
      }
    }
  }
};

// Accepts only after 50 ms of setup (authentication, a database call).
class WsSlowAccept : public App {
 public:
  sim::Task<void> Call(const Scope&, Channel& ch) override {
    (void)co_await ch.Receive();  // websocket.connect
    co_await sim::Sleep(sim::Millis(50));
    co_await ch.Send(Message::Accept());
    co_await PushMessages(ch, 5, kInterval);
  }
};

class WsBulkPush : public App {
 public:
  sim::Task<void> Call(const Scope&, Channel& ch) override {
    co_await AcceptAfterConnect(ch);
    co_await PushMessages(ch, kChunks, sim::Millis(1), 64 * 1024);
  }
};

class WsCatchAll : public App {
 public:
  explicit WsCatchAll(AppContext& ctx) : ctx_(ctx) {}
  sim::Task<void> Call(const Scope&, Channel& ch) override {
    co_await AcceptAfterConnect(ch);
    try {
      co_await PushMessages(ch, kChunks, kInterval);
    } catch (const py::Exception&) {
      Note(ctx_, "caught Exception: stopping");
    }
  }

 private:
  AppContext& ctx_;
};

template <typename T>
std::unique_ptr<App> Make(AppContext&) {
  return std::make_unique<T>();
}
template <typename T>
std::unique_ptr<App> MakeWithContext(AppContext& ctx) {
  return std::make_unique<T>(ctx);
}

const AppInfo kApps[] = {
    {"sse-stream", "SSE stream: 20 chunks 10 ms apart, never calls receive()",
     Protocol::kHttp, &Make<SseStream>},
    {"bulk-stream",
     "20 chunks of 64 KiB 1 ms apart (fills the send buffer), never receives",
     Protocol::kHttp, &Make<BulkStream>},
    {"stream-with-listener",
     "Starlette 0.26.1 StreamingResponse: stream + listen_for_disconnect in an "
     "anyio 3 task group",
     Protocol::kHttp,
     [](AppContext& c) -> std::unique_ptr<App> {
       return std::make_unique<StreamWithListener>(c, false);
     }},
    {"stream-taskgroup",
     "as stream-with-listener, under asyncio/anyio 4 task groups (failures "
     "wrapped in ExceptionGroup)",
     Protocol::kHttp,
     [](AppContext& c) -> std::unique_ptr<App> {
       return std::make_unique<StreamWithListener>(c, true);
     }},
    {"request-response", "reads the whole body, works 50 ms, then answers",
     Protocol::kHttp, &Make<RequestResponse>},
    {"send-after-complete",
     "completes its response, waits 250 ms, then sends a second "
     "http.response.start",
     Protocol::kHttp, &Make<SendAfterComplete>},
    {"receive-after-disconnect",
     "reads the body, starts streaming, then calls receive() 3 times (1.5 s "
     "bound each)",
     Protocol::kHttp, &Make<ReceiveAfterDisconnect>},
    {"catch-all",
     "SSE stream that catches every Exception from send() and returns",
     Protocol::kHttp,
     [](AppContext& c) -> std::unique_ptr<App> {
       return std::make_unique<CatchingStream>(c, false);
     }},
    {"catch-oserror",
     "SSE stream that catches only OSError from send() and returns",
     Protocol::kHttp,
     [](AppContext& c) -> std::unique_ptr<App> {
       return std::make_unique<CatchingStream>(c, true);
     }},
    {"check-results",
     "stream that checks each send's SendResult or future and stops when "
     "undelivered",
     Protocol::kHttp, &MakeWithContext<CheckResults>},
    {"cleanup-background",
     "5 chunks with cleanup in finally, then 15 s of background work after the "
     "response",
     Protocol::kHttp, &MakeWithContext<CleanupBackground>},
    {"disconnect-poller",
     "3 s of work polling request.is_disconnected() every 100 ms, answering at "
     "the end",
     Protocol::kHttp, &MakeWithContext<DisconnectPoller>},
    {"sse-idle",
     "SSE generator: one event, then awaits a source that never fires; cleanup "
     "in finally",
     Protocol::kHttp, &MakeWithContext<SseIdle>},
    {"long-poll",
     "starts streaming, then waits in receive() for http.disconnect and "
     "returns",
     Protocol::kHttp, &Make<LongPoll>},
    {"ws-bulk-push",
     "20 WebSocket messages of 64 KiB 1 ms apart (fills the send buffer), "
     "never receives",
     Protocol::kWebSocket, &Make<WsBulkPush>},
    {"ws-slow-accept",
     "accepts after 50 ms of setup, then sends 5 messages 10 ms apart",
     Protocol::kWebSocket, &Make<WsSlowAccept>},
    {"ws-push",
     "WebSocket push loop: 20 sends 10 ms apart, never receives "
     "(django/asgiref#405)",
     Protocol::kWebSocket,
     [](AppContext&) -> std::unique_ptr<App> {
       return std::make_unique<WsPush>(kInterval, kChunks);
     }},
    {"ws-tight-push",
     "WebSocket push loop sending every event-loop turn (10 us apart), 200 "
     "sends, never receives",
     Protocol::kWebSocket,
     [](AppContext&) -> std::unique_ptr<App> {
       return std::make_unique<WsPush>(sim::Micros(10), 200);
     }},
    {"ws-reader-producer",
     "reader task on receive() plus producer task sending, in a task group "
     "(fastapi#2370)",
     Protocol::kWebSocket, &MakeWithContext<WsReaderProducer>},
    {"ws-close-on-disconnect",
     "calls websocket.close() when receive() returns websocket.disconnect "
     "(nicegui#1467)",
     Protocol::kWebSocket, &Make<WsCloseOnDisconnect>},
    {"ws-close-then-send",
     "accepts, closes (1000), then sends, then closes again; catches what they "
     "raise",
     Protocol::kWebSocket, &Make<WsCloseThenSend>},
    {"ws-receive-after-close",
     "calls receive() 3 times (1.5 s bound each); after the first disconnect, "
     "one send",
     Protocol::kWebSocket, &Make<WsReceiveAfterClose>},
    {"ws-catch-all",
     "WebSocket push loop that catches every Exception and returns",
     Protocol::kWebSocket, &MakeWithContext<WsCatchAll>},
};

}  // namespace

sim::Task<void> ReceiveUntil(Channel& channel, MessageType type) {
  for (;;) {
    Message m = co_await channel.Receive();
    if (m.type == type) co_return;
  }
}

absl::Span<const AppInfo> Apps() { return kApps; }

const AppInfo* FindApp(absl::string_view name) {
  return FindByName(Apps(), name);
}

}  // namespace models
