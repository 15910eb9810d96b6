// The app program interpreter. Simple steps run inline in Run's loop (a send
// is one co_await on the channel, as in a hand-written coroutine), and so do
// the blocks of repeat, loop and if; try, timeouts and task groups run their
// blocks as nested coroutines, which the kernel does not see: the scheduling
// points are exactly the channel calls, sleeps, spawns and cancellations the
// program asks for.
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "models/app/middleware.h"
#include "models/app/program.h"
#include "models/asgi/events.h"
#include "models/asgi/middleware_send.h"
#include "models/asgi/py_exceptions.h"
#include "sim/check.h"
#include "sim/task_group.h"
#include "sim/timeout.h"

namespace models {
namespace {

enum class Flow : uint8_t { kNext, kReturn };

// Thrown by a `reraise` step; the enclosing except handler (the parser
// allows it only there, in the same task) turns it back into the exception
// it handles.
struct ReraiseSignal {};

class ProgramApp : public App {
 public:
  ProgramApp(const AppProgram& program, AppContext& ctx, App* inner = nullptr,
             const char* name = "")
      : program_(program), ctx_(ctx), inner_(inner), name_(name) {}

  sim::Task<void> Call(const Scope& scope, Channel& ch) override {
    scope_ = &scope;
    ch_ = &ch;
    start_ = ctx_.executor.Now();
    slots_.assign(static_cast<size_t>(program_.slots), 0);
    (void)co_await Run(program_.body);
  }

 private:
  int64_t Eval(const Value& v) const {
    return v.slot < 0 ? v.constant
                      : slots_[static_cast<size_t>(v.slot)] + v.constant;
  }

  bool Holds(const Condition& c) const;
  sim::Task<Flow> Run(const Block& block);
  // A block being run by Run: the next step, and the repeat or loop whose
  // body it is (null for a plain block) with its pass and pass count.
  struct Cursor {
    const Step* next = nullptr;
    const Step* end = nullptr;
    const Step* owner = nullptr;
    int64_t pass = 0;
    int64_t passes = 0;
  };
  static Cursor Enter(const Block& b) {
    return Cursor{b.data(), b.data() + b.size()};
  }
  std::optional<Cursor> EnterLoop(const Step& s);
  bool NextPass(Cursor& c);
  Message MakeMessage(const Step& s) const;
  sim::Task<bool> SendInFrame(const Step& s);
  sim::Task<void> Receive(const Step& s);
  sim::Task<Flow> Group(const Step& s);
  sim::Task<void> RunTask(const TaskSpec* task, sim::TaskGroup* group);
  sim::Task<Flow> Try(const Step& s);
  sim::Task<Flow> Timeout(const Step& s);
  sim::Task<void> PollDisconnect();
  static sim::Task<void> WaitForever();
  void RunPlain(const Step& s);
  void DoMark(Mark mark);
  sim::Task<void> CallApp();

  const AppProgram& program_;
  AppContext& ctx_;
  App* inner_;             // a middleware's inner app, else nullptr
  const char* name_;       // a middleware's name (static: the catalog's)
  uint32_t app_sent_ = 0;  // bit t: the inner app sent MessageType t
  const Scope* scope_ = nullptr;
  Channel* ch_ = nullptr;
  sim::Time start_;
  absl::InlinedVector<int64_t, 8> slots_;
  Message last_;
  bool disconnected_ = false;
  bool undelivered_ = false;
  bool send_raised_ = false;
};

bool ProgramApp::Holds(const Condition& c) const {
  switch (c.kind) {
    case CondKind::kReceived:
      return last_.type == c.type;
    case CondKind::kMoreBody:
      return last_.more_body == c.flag;
    case CondKind::kDisconnected:
      return disconnected_ == c.flag;
    case CondKind::kUndelivered:
      return undelivered_ == c.flag;
    case CondKind::kSendRaised:
      return send_raised_ == c.flag;
    case CondKind::kElapsed:
      return ctx_.executor.Now() - start_ >= c.duration;
    case CondKind::kSpecAtLeast:
      return scope_->EffectiveSpecVersion() >= c.number;
    case CondKind::kScopeType:
      return scope_->protocol == c.protocol;
    case CondKind::kFlag:
      return slots_[static_cast<size_t>(c.slot)] != 0;
    case CondKind::kAppSent:
      return (app_sent_ >> static_cast<unsigned>(c.type) & 1U) != 0;
    case CondKind::kAll:
      for (const Condition& child : c.children) {
        if (!Holds(child)) return false;
      }
      return true;
    case CondKind::kAny:
      for (const Condition& child : c.children) {
        if (Holds(child)) return true;
      }
      return false;
    case CondKind::kNot:
      return !Holds(c.children.front());
  }
  return false;
}

// Runs `block`. The blocks of repeat, loop, if and a checked send's
// on-undelivered run in this same coroutine, on `stack`: a pass of a loop
// body costs no coroutine frame. Only the steps that need a scope of their
// own (try, timeouts, task groups) run a nested Run.
sim::Task<Flow> ProgramApp::Run(const Block& block) {
  absl::InlinedVector<Cursor, 4> stack;
  Cursor* top = &stack.emplace_back(Enter(block));  // the frame stays put
  for (;;) {
    while (top->next == top->end && !NextPass(*top)) {
      stack.pop_back();
      if (stack.empty()) co_return Flow::kNext;
      top = &stack.back();
    }
    const Step& s = *top->next++;
    switch (s.op) {
      case StepOp::kSend:
        if (s.check || program_.middleware) {  // in a frame of its own
          if (!co_await SendInFrame(s)) top = &stack.emplace_back(Enter(s.alt));
          break;
        }
        try {
          (void)co_await ch_->Send(MakeMessage(s));
        } catch (...) {
          send_raised_ = true;
          throw;
        }
        break;
      case StepOp::kReceive:
        co_await Receive(s);
        break;
      case StepOp::kPollDisconnect:
        co_await PollDisconnect();
        break;
      case StepOp::kSleep:
        if (!s.duration.IsZero()) co_await sim::Sleep(s.duration);
        break;
      case StepOp::kWaitForever:
        co_await WaitForever();
        break;
      case StepOp::kRepeat:
      case StepOp::kLoop:
        if (std::optional<Cursor> body = EnterLoop(s)) {
          top = &stack.emplace_back(*body);
        }
        break;
      case StepOp::kIf:
        top = &stack.emplace_back(Enter(Holds(s.until) ? s.body : s.alt));
        break;
      case StepOp::kTaskGroup:
        if (co_await Group(s) == Flow::kReturn) co_return Flow::kReturn;
        break;
      case StepOp::kTry:
        if (co_await Try(s) == Flow::kReturn) co_return Flow::kReturn;
        break;
      case StepOp::kTimeout:
        if (co_await Timeout(s) == Flow::kReturn) co_return Flow::kReturn;
        break;
      case StepOp::kReturn:
        co_return Flow::kReturn;
      case StepOp::kRaise:
      case StepOp::kReraise:
      case StepOp::kNote:
      case StepOp::kSetFlag:
      case StepOp::kMark:
        RunPlain(s);
        break;
      case StepOp::kCallApp:
        co_await CallApp();
        break;
      case StepOp::kBaseHttp:
        co_await CallBaseHttp(ctx_, *inner_, *scope_, *ch_, s.check, name_);
        break;
    }
  }
}

// A send in a coroutine of its own (a checked one, or a middleware's):
// whether it was delivered (a SendResult's delivered, or the future's result;
// an unchecked send counts as delivered).
sim::Task<bool> ProgramApp::SendInFrame(const Step& s) {
  SendReturn r;
  try {
    // (Not `cond ? co_await a : co_await b`: gcc 12 runs both awaits.)
    if (program_.middleware) {
      r = co_await SendAsMiddleware(ctx_, name_, *ch_, MakeMessage(s));
    } else {
      r = co_await ch_->Send(MakeMessage(s));
    }
  } catch (...) {
    send_raised_ = true;
    throw;
  }
  if (!s.check) co_return true;
  bool delivered = true;
  if (r.kind == SendReturnKind::kResult) delivered = r.delivered;
  if (r.kind == SendReturnKind::kFuture) delivered = co_await r.future->Wait();
  undelivered_ = !delivered;
  co_return delivered;
}

// The constant fields are in s.message already (the parser puts them
// there): writing only the loop counters keeps the copy that is passed to
// send() from reloading fields just stored one by one (a store-forwarding
// stall on every send).
Message ProgramApp::MakeMessage(const Step& s) const {
  Message m = s.message;
  if (s.seq.slot >= 0) m.seq = static_cast<uint32_t>(Eval(s.seq));
  if (s.bytes.slot >= 0) m.bytes = static_cast<uint32_t>(Eval(s.bytes));
  if (s.status.slot >= 0) m.status = static_cast<int32_t>(Eval(s.status));
  if (s.code.slot >= 0) m.code = static_cast<int32_t>(Eval(s.code));
  return m;
}

// A repeat's count is evaluated once, before its first pass; a loop runs its
// body at most max_passes times, until `until` holds after a pass.
std::optional<ProgramApp::Cursor> ProgramApp::EnterLoop(const Step& s) {
  Cursor c = Enter(s.body);
  c.owner = &s;
  if (s.op == StepOp::kRepeat) {
    c.passes = Eval(s.count);
    if (c.passes <= 0) return std::nullopt;
    slots_[static_cast<size_t>(s.slot)] = 0;
  } else {
    c.passes = s.max_passes;
    if (c.passes <= 0) return std::nullopt;
  }
  return c;
}

// At the end of a block: whether its repeat or loop runs it again.
bool ProgramApp::NextPass(Cursor& c) {
  const Step* owner = c.owner;
  if (owner == nullptr) return false;
  if (owner->op == StepOp::kLoop && Holds(owner->until)) return false;
  if (++c.pass >= c.passes) return false;
  if (owner->op == StepOp::kRepeat) {
    slots_[static_cast<size_t>(owner->slot)] = c.pass;
  }
  c.next = owner->body.data();
  return true;
}

sim::Task<void> ProgramApp::Receive(const Step& s) {
  for (;;) {
    last_ = co_await ch_->Receive();
    if (last_.IsDisconnect()) disconnected_ = true;
    switch (s.receive_until) {
      case ReceiveMode::kOnce:
        co_return;
      case ReceiveMode::kType:
        if (last_.type == s.until_type) co_return;
        break;
      case ReceiveMode::kBodyEnd:
        if (last_.type != MessageType::kHttpRequest || !last_.more_body)
          co_return;
        break;
    }
  }
}

sim::Task<Flow> ProgramApp::Group(const Step& s) {
  sim::TaskGroup group(ctx_.executor);
  for (const TaskSpec& t : s.tasks) group.Spawn(RunTask(&t, &group), t.name);
  std::vector<std::exception_ptr> errors = co_await group.JoinCollect();
  if (errors.empty()) co_return Flow::kNext;
  if (s.semantics == GroupSemantics::kAsyncio || errors.size() > 1) {
    throw py::ExceptionGroup("unhandled errors in a TaskGroup",
                             std::move(errors));
  }
  std::rethrow_exception(errors.front());
}

sim::Task<void> ProgramApp::RunTask(const TaskSpec* task,
                                    sim::TaskGroup* group) {
  (void)co_await Run(task->body);
  if (task->cancel_group_when_done) group->CancelAll();
}

const Handler* Match(const std::exception_ptr& error,
                     const std::vector<Handler>& handlers) {
  if (handlers.empty()) return nullptr;
  const py::ExceptionInfo info = py::Describe(error);
  for (const Handler& h : handlers) {
    if (info.IsA(h.class_name)) return &h;
  }
  return nullptr;
}

bool IsCancelled(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const sim::Cancelled&) {
    return true;
  } catch (...) {
  }
  return false;
}

sim::Task<Flow> ProgramApp::Try(const Step& s) {
  std::exception_ptr error;
  Flow flow = Flow::kNext;
  try {
    flow = co_await Run(s.body);
  } catch (...) {
    error = std::current_exception();
  }
  if (error) {
    if (const Handler* h = Match(error, s.handlers)) {
      std::exception_ptr handled = error;
      error = nullptr;
      try {
        flow = co_await Run(h->body);
      } catch (const ReraiseSignal&) {
        error = handled;  // a bare `raise`: the same exception goes on
      } catch (...) {
        error = std::current_exception();
      }
    }
  }
  if (!s.alt.empty()) {
    // anyio's cancellation is level-triggered: inside a cancelled scope
    // every await of the finally block is cancelled again.
    if (error && program_.level_cancellation && IsCancelled(error)) {
      sim::TaskState* self = co_await sim::CurrentTask();
      ctx_.executor.Cancel(self);
    }
    // A return in finally drops the exception, as in Python.
    if (co_await Run(s.alt) == Flow::kReturn) co_return Flow::kReturn;
  }
  if (error) std::rethrow_exception(error);
  co_return flow;
}

sim::Task<Flow> ProgramApp::Timeout(const Step& s) {
  Flow flow = Flow::kNext;
  bool timed_out = false;
  try {
    flow = co_await sim::WaitFor(Run(s.body), s.duration);
  } catch (const sim::TimeoutError&) {
    timed_out = true;
  }
  if (timed_out) co_return co_await Run(s.alt);
  co_return flow;
}

// Awaits an event that never fires (until cancelled).
sim::Task<void> ProgramApp::WaitForever() {
  sim::Event never;
  co_await never.Wait();
}

// Starlette's Request.is_disconnected(): receive() inside an already
// cancelled anyio scope. It only sees a message available without
// suspending; a message obtained so is discarded unless it is a disconnect
// (http.disconnect, or websocket.disconnect for a WebSocket program), which
// sets the program's `disconnected`.
sim::Task<void> ProgramApp::PollDisconnect() {
  sim::TaskState* self = co_await sim::CurrentTask();
  self->executor->Cancel(self);
  try {
    Message m = co_await ch_->Receive();
    if (m.IsDisconnect()) disconnected_ = true;
  } catch (const sim::Cancelled&) {
  }
  // The scope absorbs its own cancellation, delivered or not.
  self->cancel_pending = false;
  self->Uncancel();
}

// The inner app's channel: forwards everything, and notes which message
// types the inner app sent (Starlette's ServerErrorMiddleware tracks
// response_started so).
class AppSentTracking : public ChannelWrapper {
 public:
  AppSentTracking(Channel& inner, uint32_t* sent)
      : ChannelWrapper(inner), sent_(sent) {}
  sim::Task<SendReturn> Send(Message m) override {
    *sent_ |= 1U << static_cast<unsigned>(m.type);
    return ChannelWrapper::Send(m);
  }

 private:
  uint32_t* sent_;
};

sim::Task<void> ProgramApp::CallApp() {
  AppSentTracking tracking(*ch_, &app_sent_);
  co_await inner_->Call(*scope_, tracking);
}

// The steps that do not suspend and run no block.
void ProgramApp::RunPlain(const Step& s) {
  switch (s.op) {
    case StepOp::kRaise:
      std::rethrow_exception(py::MakeException(s.class_name, s.text));
    case StepOp::kReraise:
      throw ReraiseSignal{};
    case StepOp::kNote:
      ctx_.executor.Record(kEvAppNote, 0, 0, [&s] { return s.text; });
      break;
    case StepOp::kSetFlag:
      slots_[static_cast<size_t>(s.slot)] = 1;
      break;
    case StepOp::kMark:
      DoMark(s.mark);
      break;
    default:  // Run runs the others
      break;
  }
}

void ProgramApp::DoMark(Mark mark) {
  Outcome& o = ctx_.outcome;
  switch (mark) {
    case Mark::kCleanupArmed:
      o.cleanup_armed = true;
      break;
    case Mark::kCleanup:
      ++o.cleanups;
      break;
    case Mark::kBackgroundStarted:
      o.background_started = true;
      break;
    case Mark::kBackgroundDone:
      o.background_done = true;
      break;
  }
}

}  // namespace

std::unique_ptr<App> MakeProgramMiddleware(const AppProgram& program,
                                           AppContext& context, App& inner,
                                           const char* name) {
  SIM_CHECK(program.middleware) << program.name << " is not a middleware";
  return std::make_unique<ProgramApp>(program, context, &inner, name);
}

std::unique_ptr<App> MakeProgramApp(const AppProgram& program,
                                    AppContext& context) {
  return std::make_unique<ProgramApp>(program, context);
}

bool IsCatchableClass(const std::string& class_name) {
  for (const char* n : py::TypeNames()) {
    if (class_name == n) return true;
  }
  return false;
}

bool IsRaisableClass(const std::string& class_name) {
  return py::MakeException(class_name, "") != nullptr;
}

}  // namespace models
