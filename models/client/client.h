// The client interface: a Client drives the client end of the connection
// (sends the request or the handshake, reads, and closes by FIN, RST or a
// WebSocket close frame at a fixed or tape-drawn moment) and writes what it
// got into the outcome record. Clients are programs (models/client/program.h)
// from the catalog's files (catalog/clients/).
//
//   std::unique_ptr<models::Client> client = MakeProgramClient(*p, context);
//   executor.Spawn(client->Run(), "client");
//
// Thread-safety: a client serves one run.
#ifndef HANGUP_MODELS_CLIENT_CLIENT_H_
#define HANGUP_MODELS_CLIENT_CLIENT_H_

#include <memory>

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

}  // namespace models

#endif  // HANGUP_MODELS_CLIENT_CLIENT_H_
