// The ASGI application interface of the models: an App is called with a
// scope and a Channel (the receive and send callables); middleware is an App
// that wraps another and hands it a wrapped Channel.
//
// send() returns what the server's strategy gives back: nothing (no-op and
// exception strategies), a SendResult (delivered or not), or a future.
//
//   sim::Task<void> MyApp::Call(const Scope& scope, Channel& ch) {
//     co_await ch.Send(Message::Start());
//     SendReturn r = co_await ch.Send(Message::Body(0, false));
//     if (r.kind == SendReturnKind::kResult && !r.delivered) ...
//   }
//
// Lifetime: apps, middleware and channels are created per run and outlive
// its executor. Thread-safety: one run, one thread.
#ifndef HANGUP_MODELS_ASGI_CHANNEL_H_
#define HANGUP_MODELS_ASGI_CHANNEL_H_

#include <memory>

#include "models/asgi/asgi.h"
#include "models/asgi/outcome.h"
#include "sim/executor.h"
#include "sim/sync.h"
#include "sim/task.h"

namespace models {

struct SendReturn {
  SendReturnKind kind = SendReturnKind::kNone;
  uint64_t wire_tag = 0;   // the segment written (observers only), 0 if none
  bool delivered = false;  // kResult
  std::shared_ptr<sim::Future<bool>> future;  // kFuture
};

class Channel {
 public:
  virtual ~Channel() = default;
  virtual sim::Task<Message> Receive() = 0;
  virtual sim::Task<SendReturn> Send(Message message) = 0;
};

// Forwards to another channel; middleware derives from it.
class ChannelWrapper : public Channel {
 public:
  explicit ChannelWrapper(Channel& inner) : inner_(inner) {}
  sim::Task<Message> Receive() override { return inner_.Receive(); }
  sim::Task<SendReturn> Send(Message message) override {
    return inner_.Send(message);
  }

 private:
  Channel& inner_;
};

// What an app model may use besides its channel.
struct AppContext {
  sim::Executor& executor;
  Outcome& outcome;
};

class App {
 public:
  virtual ~App() = default;
  virtual sim::Task<void> Call(const Scope& scope, Channel& channel) = 0;
};

}  // namespace models

#endif  // HANGUP_MODELS_ASGI_CHANNEL_H_
