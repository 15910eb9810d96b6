// The client interface and the client models: a Client drives the client end
// of the connection (sends the request or the handshake, reads, and closes by
// FIN, RST or a WebSocket close frame at a fixed or tape-drawn moment) and
// writes what it got into the outcome record.
//
//   const models::ClientInfo* info = models::FindClient("http-fin-after-1");
//   std::unique_ptr<models::Client> client = info->make(context);
//   executor.Spawn(client->Run(), "client");
//
// Thread-safety: the table is static and immutable; a client serves one run.
#ifndef HANGUP_MODELS_CLIENT_CLIENT_H_
#define HANGUP_MODELS_CLIENT_CLIENT_H_

#include <memory>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "models/asgi/asgi.h"
#include "models/asgi/outcome.h"
#include "sim/connection.h"
#include "sim/executor.h"
#include "sim/task.h"

namespace models {

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

absl::Span<const ClientInfo> Clients();
const ClientInfo* FindClient(absl::string_view name);

}  // namespace models

#endif  // HANGUP_MODELS_CLIENT_CLIENT_H_
