// The middleware models: apps that wrap another app and hand it a wrapped
// channel (pass-through, Starlette's ServerErrorMiddleware and
// BaseHTTPMiddleware, by version).
//
//   const models::MiddlewareInfo* m = models::FindMiddleware("base-http");
//   std::unique_ptr<models::App> wrapped = m->make(context, inner_app);
//
// Thread-safety: the table is static and immutable; a middleware serves one
// run.
#ifndef HANGUP_MODELS_APP_MIDDLEWARE_H_
#define HANGUP_MODELS_APP_MIDDLEWARE_H_

#include <memory>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "models/asgi/channel.h"

namespace models {

// REQUIRES (make): `inner` outlives the middleware.
struct MiddlewareInfo {
  const char* name;
  const char* description;
  std::unique_ptr<App> (*make)(AppContext& context, App& inner);
};

absl::Span<const MiddlewareInfo> Middlewares();
const MiddlewareInfo* FindMiddleware(absl::string_view name);

}  // namespace models

#endif  // HANGUP_MODELS_APP_MIDDLEWARE_H_
