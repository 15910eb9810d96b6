// App programs: an app written as a small tree of steps (send, receive,
// sleep, repeat, loop, if, task groups, try/except/finally, timeouts, raise,
// return) that an interpreter runs as coroutines on the kernel. Every send,
// receive, sleep, spawn and cancellation is a scheduling point like any other
// and draws from the same tape. Programs come from files
// (models/lang parses them; docs/scenario-language.md is the reference).
//
// A program is built once and is immutable: names and values are resolved
// when it is built (loop counters and flags are slot numbers, exception
// classes are checked names), so running a step does no string lookup.
//
//   std::shared_ptr<const AppProgram> p = ...;  // models::lang::ResolveApp
//   std::unique_ptr<App> app = MakeProgramApp(*p, context);
//
// Lifetime: the program outlives the apps made from it (a Scenario keeps its
// programs). Thread-safety: a program is shared read-only; an app serves one
// run.
#ifndef HANGUP_MODELS_APP_PROGRAM_H_
#define HANGUP_MODELS_APP_PROGRAM_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/asgi/asgi.h"
#include "models/asgi/channel.h"
#include "sim/time.h"

namespace models {

// An integer that is a constant, or a loop counter plus a constant.
struct Value {
  int64_t constant = 0;
  int16_t slot = -1;  // a loop counter when >= 0
};

enum class CondKind : uint8_t {
  kReceived,      // the last message received has `type`
  kMoreBody,      // the last message received has more_body == `flag`
  kDisconnected,  // a disconnect was received (or is_disconnected() said so)
  kUndelivered,   // the last checked send was not delivered
  kSendRaised,    // a send raised (since the app started)
  kElapsed,       // `duration` of virtual time passed since the app started
  kSpecAtLeast,   // scope["asgi"]["spec_version"] >= `number` (23 = "2.3")
  kScopeType,     // the scope's type is `protocol`
  kFlag,          // flag `slot` was set
  kAppSent,       // middleware: the inner app sent a message of `type`
  kAll,           // every child holds (`children`)
  kAny,           // some child holds
  kNot,           // the one child does not hold
};

struct Condition {
  CondKind kind = CondKind::kReceived;
  MessageType type = MessageType::kBogus;
  bool flag = false;
  int32_t number = 0;
  int16_t slot = -1;
  Protocol protocol = Protocol::kHttp;
  sim::Duration duration;
  std::vector<Condition> children;
};

enum class StepOp : uint8_t {
  kSend,            // message; on_undelivered when `check`
  kReceive,         // once, or until `until` holds for the message
  kPollDisconnect,  // Starlette's request.is_disconnected()
  kSleep,           // duration (0: nothing)
  kWaitForever,     // awaits an event that never fires
  kRepeat,          // count times (counter in slot), body
  kLoop,            // body until `until` holds (checked after each pass)
  kIf,              // body if `until` holds, else alt
  kTaskGroup,       // tasks, with group semantics
  kTry,             // body; handlers; alt is the finally block
  kTimeout,         // body, cancelled after duration; alt on timeout
  kRaise,           // raise class_name(message)
  kReturn,          // return from the app (through finally blocks)
  kNote,            // a line in the timeline
  kSetFlag,         // flag slot = true
  kMark,            // an outcome bookkeeping mark
  // Middleware programs only:
  kCallApp,   // await the inner app (its sends tracked for kAppSent)
  kReraise,   // raise the exception an enclosing except is handling
  kBaseHttp,  // Starlette's BaseHTTPMiddleware around the inner app
              // (`check`: cancel the inner app when the response ends)
};

enum class Mark : uint8_t {
  kCleanupArmed,
  kCleanup,
  kBackgroundStarted,
  kBackgroundDone,
};

enum class ReceiveMode : uint8_t { kOnce, kType, kBodyEnd };

// anyio 3: a lone failure propagates as is, several as an ExceptionGroup;
// asyncio (3.11 TaskGroup) and anyio 4: any failure as an ExceptionGroup.
enum class GroupSemantics : uint8_t { kAnyio3, kAsyncio };

struct Step;
using Block = std::vector<Step>;

struct Handler {
  std::string class_name;  // matched against the exception's MRO
  Block body;
};

struct TaskSpec {
  std::string name;  // the task's name in the timeline
  Block body;
  bool cancel_group_when_done = false;
};

struct Step {
  StepOp op = StepOp::kNote;
  // kSend: the message, its constant fields filled in; the fields whose
  // Value is a loop counter are set when the step runs
  Message message;
  Value seq, bytes, status, code;
  bool check = false;  // resolve delivered (await a future)
  // kReceive
  ReceiveMode receive_until = ReceiveMode::kOnce;
  MessageType until_type = MessageType::kBogus;
  // kSleep, kTimeout
  sim::Duration duration;
  // kRepeat: count; slot is its counter (also kSetFlag's flag)
  Value count;
  int16_t slot = -1;
  // kLoop, kIf
  Condition until;
  int64_t max_passes = 1'000'000;
  // kRaise, kNote
  std::string class_name;
  std::string text;
  Mark mark = Mark::kCleanup;
  GroupSemantics semantics = GroupSemantics::kAnyio3;
  Block body;
  Block alt;  // kIf else, kTry finally, kTimeout on-timeout, kSend undelivered
  std::vector<Handler> handlers;
  std::vector<TaskSpec> tasks;
};

struct AppProgram {
  std::string name;
  std::string description;
  Protocol protocol = Protocol::kHttp;
  Block body;
  int slots = 0;  // loop counters and flags
  // anyio's level-triggered cancellation: a finally block entered by a
  // cancellation is cancelled again at its first await (asyncio's is edge
  // triggered: the finally block runs).
  bool level_cancellation = false;
  // A middleware program: it wraps an inner app (call-app), and its own
  // sends are recorded as the middleware's.
  bool middleware = false;
  // A middleware written in a scenario file: the name its sends are
  // recorded under (SendRecord::from), a string that outlives every outcome
  // (the harness interns it). Catalog middleware use the catalog's name.
  const char* sender = nullptr;
};

std::unique_ptr<App> MakeProgramApp(const AppProgram& program,
                                    AppContext& context);
// REQUIRES: program.middleware; `program` and `inner` outlive the result.
// `name` is the middleware's name in the outcome and the timeline, a string
// that outlives every outcome (the catalog's).
std::unique_ptr<App> MakeProgramMiddleware(const AppProgram& program,
                                           AppContext& context, App& inner,
                                           const char* name);

// Whether `class_name` names a class an `except` or `raise` can use:
// py::TypeNames(), plus CancelledError (raise: no).
bool IsCatchableClass(const std::string& class_name);
bool IsRaisableClass(const std::string& class_name);

}  // namespace models

#endif  // HANGUP_MODELS_APP_PROGRAM_H_
