// Client programs: a client written as a list of steps (send the request or
// the upgrade, read, stall, half-close, close by FIN, RST or a close frame
// with any code and reason, draw a delay or a close kind from the tape,
// branch on what the server did) that an interpreter runs as the client
// task. Programs come from files (models/lang parses them;
// docs/scenario-language.md is the reference).
//
//   std::shared_ptr<const ClientProgram> p = ...;  // lang::ResolveClient
//   std::unique_ptr<Client> client = MakeProgramClient(*p, context);
//
// Lifetime: the program outlives the clients made from it (a Scenario keeps
// its programs). Thread-safety: a program is shared read-only; a client
// serves one run.
#ifndef HANGUP_MODELS_CLIENT_PROGRAM_H_
#define HANGUP_MODELS_CLIENT_PROGRAM_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/asgi/asgi.h"
#include "models/asgi/outcome.h"
#include "models/client/client.h"
#include "sim/time.h"

namespace models {

enum class ClientOp : uint8_t {
  kRequest,    // the request head (complete, or followed by a body part)
  kUpgrade,    // the WebSocket upgrade request
  kRead,       // read (see ReadMode)
  kSleep,      // stop reading for `duration` (0: nothing)
  kHalfClose,  // shutdown(SHUT_WR): FIN, still reading
  kCloseTcp,   // close() the socket
  kClose,      // close by FIN, RST or close frame (kind from `close_var`)
  kDraw,       // draw a value of `choices` from the tape into `var`
  kIf,         // body if the condition holds, else alt
  kReturn,
};

enum class ReadMode : uint8_t {
  kBodyChunks,  // HTTP: until the final body, or `count` chunks (-1: all)
  kMessages,    // WebSocket: `count` messages (-1: until the server closes)
  kUntil,       // until `stop` or `duration` passed (from `var` if >= 0)
};

enum class ReadStop : uint8_t { kFinalBody, kCloseFrame, kNothing };

enum class ClientCond : uint8_t { kServerClosed, kAccepted, kGotFinalBody };

// How a drawn or fixed value is used: a delay, or a close kind.
struct Draw {
  std::vector<sim::Duration> delays;    // a delay draw (ChoiceKind kDelay)
  std::vector<ClientCloseKind> closes;  // a close-kind draw (kPick)
};

struct ClientStep;
using ClientBlock = std::vector<ClientStep>;

struct ClientStep {
  ClientOp op = ClientOp::kReturn;
  // kRequest
  bool complete = true;
  uint32_t head_bytes = 120;
  uint32_t body_bytes = 1024;
  // kRead
  ReadMode mode = ReadMode::kBodyChunks;
  ReadStop stop = ReadStop::kNothing;
  int64_t count = -1;
  sim::Duration gap;           // between reads (kBodyChunks)
  sim::Duration idle_timeout;  // per message once accepted (kMessages)
  // kSleep, kRead kUntil
  sim::Duration duration;
  int16_t var =
      -1;  // kSleep, kRead kUntil: the delay; kClose: the kind; kDraw: out
  // kClose
  ClientCloseKind kind = ClientCloseKind::kFin;
  int32_t code = 1000;
  bool echo_code = false;  // the code of the server's close frame
  std::string reason;
  bool await_reply = true;  // after a close frame: wait for the server's
  // kDraw
  Draw draw;
  // kIf
  ClientCond cond = ClientCond::kServerClosed;
  bool negate = false;
  ClientBlock body;
  ClientBlock alt;
};

struct ClientProgram {
  std::string name;
  std::string description;
  Protocol protocol = Protocol::kHttp;
  ClientBlock body;
  int vars = 0;
};

std::unique_ptr<Client> MakeProgramClient(const ClientProgram& program,
                                          ClientContext& context);

}  // namespace models

#endif  // HANGUP_MODELS_CLIENT_PROGRAM_H_
