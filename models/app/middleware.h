// Starlette's BaseHTTPMiddleware (0.26.1, and the pre-0.21 variant) as one
// mechanism a middleware program calls (the `starlette-base-http` step): its
// memory-object stream between the inner app and the outer response, and
// receive_or_disconnect, are more than the program language says. The other
// middleware are programs (catalog/middleware/).
//
//   co_await models::CallBaseHttp(ctx, inner, scope, channel,
//                                 /*cancel_app_on_disconnect=*/false,
//                                 "base-http");
//
// Thread-safety: one run, one thread.
#ifndef HANGUP_MODELS_APP_MIDDLEWARE_H_
#define HANGUP_MODELS_APP_MIDDLEWARE_H_

#include "models/asgi/channel.h"

namespace models {

// Runs `inner` behind BaseHTTPMiddleware with the default dispatch; its own
// sends are recorded as `name`'s. REQUIRES: `name` outlives every outcome
// (a catalog name); the references outlive the call.
sim::Task<void> CallBaseHttp(AppContext& ctx, App& inner, const Scope& scope,
                             Channel& channel, bool cancel_app_on_disconnect,
                             const char* name);

}  // namespace models

#endif  // HANGUP_MODELS_APP_MIDDLEWARE_H_
