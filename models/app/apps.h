// The app models: named coroutine programs, each standing for a pattern real
// ASGI apps follow (an SSE stream that never calls receive(), a Starlette
// StreamingResponse with its disconnect listener, a WebSocket push loop, ...),
// with a one-line description and a factory.
//
//   const models::AppInfo* info = models::FindApp("sse-stream");
//   std::unique_ptr<models::App> app = info->make(context);
//   for (const models::AppInfo& a : models::Apps()) ...
//
// Thread-safety: the table is static and immutable; an app serves one run.
#ifndef HANGUP_MODELS_APP_APPS_H_
#define HANGUP_MODELS_APP_APPS_H_

#include <memory>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "models/asgi/channel.h"

namespace models {

struct AppInfo {
  const char* name;
  const char* description;
  Protocol protocol;
  std::unique_ptr<App> (*make)(AppContext& context);
};

absl::Span<const AppInfo> Apps();
const AppInfo* FindApp(absl::string_view name);

// Calls receive() until it returns a message of `type` (a disconnect),
// discarding the others; shared by apps and middleware listeners.
// REQUIRES: `channel` outlives the returned task.
sim::Task<void> ReceiveUntil(Channel& channel, MessageType type);

}  // namespace models

#endif  // HANGUP_MODELS_APP_APPS_H_
