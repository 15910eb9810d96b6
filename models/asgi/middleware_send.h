// A send a middleware makes of its own (not one it forwards for the app),
// recorded like the app's: a SendRecord in Outcome::middleware_sends whose
// `from` is the middleware's name, and a trace event for the timeline
// (kEvMiddlewareSend, or kEvSendRaised when the send raised).
//
//   // in a middleware's Call, instead of co_await ch.Send(...):
//   co_await SendAsMiddleware(ctx_, "error-500", ch, Message::Start(500));
//
// What the send returns or raises passes through unchanged. A future send's
// resolution is recorded as of the return (nothing revisits it later).
// Deterministic: reads the simulation clock only. Thread-safety: one run,
// one thread.
#ifndef HANGUP_MODELS_ASGI_MIDDLEWARE_SEND_H_
#define HANGUP_MODELS_ASGI_MIDDLEWARE_SEND_H_

#include "models/asgi/channel.h"

namespace models {

// Sends `message` on `channel` for the middleware named `from`, recording it.
// REQUIRES: `from` is a static string; `ctx` and `channel` outlive the call.
[[nodiscard]] sim::Task<SendReturn> SendAsMiddleware(AppContext& ctx,
                                                     const char* from,
                                                     Channel& channel,
                                                     Message message);

}  // namespace models

#endif  // HANGUP_MODELS_ASGI_MIDDLEWARE_SEND_H_
