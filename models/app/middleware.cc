// Starlette's BaseHTTPMiddleware (0.26.1, and the pre-0.21 variant), the
// mechanism behind the `starlette-base-http` step of middleware programs.
// What it sends of its own goes through SendAsMiddleware, so the outcome and
// the timeline show it with the middleware's name; what it only forwards
// for the app is the app's send.
#include "models/app/middleware.h"

#include <memory>
#include <vector>

#include "models/asgi/events.h"
#include "models/asgi/middleware_send.h"
#include "models/asgi/py_exceptions.h"
#include "sim/task_group.h"

namespace models {
namespace {

// Calls receive() until it returns a message of `type` (a disconnect),
// discarding the others.
sim::Task<void> ReceiveUntil(Channel& channel, MessageType type) {
  for (;;) {
    Message m = co_await channel.Receive();
    if (m.type == type) co_return;
  }
}

// Starlette's BaseHTTPMiddleware with the default dispatch (return await
// call_next(request)), as in 0.26.1 (starlette/middleware/base.py):
//  - the inner app runs in a task group, sending into a rendezvous memory
//    stream (send_no_error swallows BrokenResourceError once it is closed);
//  - its receive is receive_or_disconnect: a task group racing the real
//    receive against response_sent, so it always suspends;
//  - the outer StreamingResponse streams what the inner app sends and runs
//    listen_for_disconnect on the real receive;
//  - the body stream ends only when the inner app returns, so a final
//    more_body=False waits for work after the response (encode/starlette#919).
// `cancel_app_on_disconnect` models Starlette < 0.21, where the end of the
// response cancelled the task group running the inner app (and its
// background tasks, encode/starlette#1438).
class BaseHttp : public App {
 public:
  BaseHttp(AppContext& ctx, App& inner, bool cancel_app_on_disconnect,
           const char* name)
      : ctx_(ctx),
        inner_(inner),
        cancel_app_(cancel_app_on_disconnect),
        name_(name) {}

  sim::Task<void> Call(const Scope& scope, Channel& ch) override {
    if (scope.protocol != Protocol::kHttp) {
      co_await inner_.Call(scope, ch);
      co_return;
    }
    State st(ch);
    sim::TaskGroup outer(ctx_.executor);
    outer.Spawn(RunInner(this, &st, &scope), "call_next.coro");
    // call_next: the first message must be the start.
    std::optional<Message> first = co_await Pull(&st);
    std::exception_ptr failure;
    if (!first || first->type != MessageType::kHttpResponseStart) {
      // call_next: EndOfStream re-raises the app's exception, if any.
      failure = st.app_exc ? st.app_exc
                           : std::make_exception_ptr(
                                 py::RuntimeError("No response returned."));
    } else {
      // StreamingResponse(content=body_stream()) on the real channel.
      sim::TaskGroup response(ctx_.executor);
      response.Spawn(StreamResponse(this, &st, &response, *first),
                     "stream_response");
      response.Spawn(ListenForDisconnect(&st, &response),
                     "listen_for_disconnect");
      std::vector<std::exception_ptr> errors = co_await response.JoinCollect();
      if (!errors.empty()) failure = errors.front();
    }
    st.response_sent.Set();
    st.recv_closed = true;
    st.taken_event.Set();  // senders blocked in the rendezvous: BrokenResource
    if (cancel_app_) outer.CancelAll();
    std::vector<std::exception_ptr> errors = co_await outer.JoinCollect();
    if (failure) std::rethrow_exception(failure);
    if (!errors.empty()) std::rethrow_exception(errors.front());
  }

 private:
  struct State;
  class InnerChannel : public Channel {
   public:
    explicit InnerChannel(State* st) : st_(st) {}
    sim::Task<Message> Receive() override { return ReceiveOrDisconnect(st_); }
    sim::Task<SendReturn> Send(Message m) override {
      return SendNoError(st_, m);
    }

   private:
    State* st_;
  };
  struct State {
    explicit State(Channel& outer_channel)
        : outer(outer_channel), inner(this) {}
    Channel& outer;
    InnerChannel inner;
    sim::Queue<Message> stream{1};
    bool send_closed = false;  // the inner app returned
    bool recv_closed = false;  // the response was sent
    sim::Event stream_event;   // wakes Pull: a message, or the sender closed
    sim::Event taken_event;    // wakes senders: their message was taken
    int64_t puts = 0;
    int64_t takes = 0;
    sim::Event response_sent;
    std::exception_ptr app_exc;
    std::optional<Message> raced;  // receive_or_disconnect's result
  };

  static sim::Task<void> RunInner(BaseHttp* self, State* st,
                                  const Scope* scope) {
    try {
      co_await self->inner_.Call(*scope, st->inner);
    } catch (const py::Exception&) {
      st->app_exc = std::current_exception();
    }
    st->send_closed = true;
    st->stream_event.Set();
  }

  static sim::Task<std::optional<Message>> Pull(State* st) {
    for (;;) {
      if (auto m = st->stream.TryGet()) {
        ++st->takes;
        st->taken_event.Set();
        co_return m;
      }
      if (st->send_closed) co_return std::nullopt;
      st->stream_event.Clear();
      co_await st->stream_event.Wait();
    }
  }

  static sim::Task<SendReturn> SendNoError(State* st, Message m) {
    if (st->recv_closed) co_return SendReturn{};  // BrokenResourceError
    // A zero-buffer memory stream: send returns once a receiver took it.
    const int64_t ticket = ++st->puts;
    co_await st->stream.PutWait(m);
    st->stream_event.Set();
    while (st->takes < ticket && !st->recv_closed) {
      st->taken_event.Clear();
      co_await st->taken_event.Wait();
    }
    co_return SendReturn{};
  }

  static sim::Task<void> RaceReceive(State* st, sim::TaskGroup* g) {
    Message m = co_await st->outer.Receive();
    st->raced = m;
    g->CancelAll();
  }
  static sim::Task<void> RaceSent(State* st, sim::TaskGroup* g) {
    co_await st->response_sent.Wait();
    g->CancelAll();
  }

  static sim::Task<Message> ReceiveOrDisconnect(State* st) {
    if (st->response_sent.is_set())
      co_return Message::Of(MessageType::kHttpDisconnect);
    st->raced.reset();
    {
      sim::TaskState* self = co_await sim::CurrentTask();
      sim::TaskGroup race(*self->executor);
      race.Spawn(RaceReceive(st, &race), "receive_or_disconnect");
      race.Spawn(RaceSent(st, &race), "response_sent.wait");
      co_await race.Join();  // suspends: a pre-cancelled caller sees nothing
    }
    if (st->response_sent.is_set() || !st->raced) {
      co_return Message::Of(MessageType::kHttpDisconnect);
    }
    co_return *st->raced;
  }

  // The outer response's own sends, recorded as the middleware's.
  sim::Task<SendReturn> SendOut(State* st, Message m) {
    return SendAsMiddleware(ctx_, name_, st->outer, m);
  }

  static sim::Task<void> StreamResponse(BaseHttp* self, State* st,
                                        sim::TaskGroup* g, Message start) {
    co_await self->SendOut(st, start);
    uint32_t seq = 0;
    for (;;) {
      std::optional<Message> m = co_await Pull(st);
      if (!m) break;
      if (m->type != MessageType::kHttpResponseBody) {
        throw py::AssertionError("body_stream got a non-body message");
      }
      if (m->bytes > 0)
        co_await self->SendOut(st, Message::Body(seq++, true, m->bytes));
    }
    if (st->app_exc) std::rethrow_exception(st->app_exc);
    co_await self->SendOut(st, Message::Body(seq, false, 0));
    g->CancelAll();
  }

  static sim::Task<void> ListenForDisconnect(State* st, sim::TaskGroup* g) {
    co_await ReceiveUntil(st->outer, MessageType::kHttpDisconnect);
    g->CancelAll();
  }

  AppContext& ctx_;
  App& inner_;
  bool cancel_app_;
  const char* name_;  // the middleware's name (the catalog's)
};

}  // namespace

sim::Task<void> CallBaseHttp(AppContext& ctx, App& inner, const Scope& scope,
                             Channel& channel, bool cancel_app_on_disconnect,
                             const char* name) {
  BaseHttp middleware(ctx, inner, cancel_app_on_disconnect, name);
  co_await middleware.Call(scope, channel);
}

}  // namespace models
