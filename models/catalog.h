// The named building blocks of a scenario: apps, middleware and clients,
// each with a one-line description and a factory. Servers are the presets
// (models/presets.h).
//
//   const models::AppInfo* app = models::FindApp("sse-stream");
//   std::unique_ptr<models::App> a = app->make(context);
//   for (const models::ClientInfo& c : models::Clients()) ...
//
// Thread-safety: the tables are static and immutable.
#ifndef HANGUP_MODELS_CATALOG_H_
#define HANGUP_MODELS_CATALOG_H_

#include <memory>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "models/app.h"
#include "sim/connection.h"

namespace models {

struct AppInfo {
  const char* name;
  const char* description;
  Protocol protocol;
  std::unique_ptr<App> (*make)(AppContext& context);
};

// REQUIRES (make): `inner` outlives the middleware.
struct MiddlewareInfo {
  const char* name;
  const char* description;
  std::unique_ptr<App> (*make)(AppContext& context, App& inner);
};

struct ClientContext {
  sim::Executor& executor;
  sim::Endpoint& endpoint;
  Outcome& outcome;
};

class Client {
 public:
  virtual ~Client() = default;
  virtual sim::Task<void> Run() = 0;
};

struct ClientInfo {
  const char* name;
  const char* description;
  Protocol protocol;
  std::unique_ptr<Client> (*make)(ClientContext& context);
};

absl::Span<const AppInfo> Apps();
absl::Span<const MiddlewareInfo> Middlewares();
absl::Span<const ClientInfo> Clients();
const AppInfo* FindApp(absl::string_view name);
const MiddlewareInfo* FindMiddleware(absl::string_view name);
const ClientInfo* FindClient(absl::string_view name);

}  // namespace models

#endif  // HANGUP_MODELS_CATALOG_H_
