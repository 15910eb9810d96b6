// The app program interpreter. Simple steps run inline in Run's loop (a send
// is one co_await on the channel, as in a hand-written coroutine); blocks
// (repeat, loop, if, try, timeouts, task groups) run as nested coroutines,
// which the kernel does not see: the scheduling points are exactly the
// channel calls, sleeps, spawns and cancellations the program asks for.
#include <memory>
#include <utility>
#include <vector>

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
  ProgramApp(std::shared_ptr<const AppProgram> program, AppContext& ctx,
             App* inner = nullptr, const char* name = "")
      : program_(std::move(program)), ctx_(ctx), inner_(inner), name_(name) {}

  sim::Task<void> Call(const Scope& scope, Channel& ch) override {
    scope_ = &scope;
    ch_ = &ch;
    start_ = ctx_.executor.Now();
    slots_.assign(static_cast<size_t>(program_->slots), 0);
    (void)co_await Run(program_->body);
  }

 private:
  int64_t Eval(const Value& v) const {
    return v.slot < 0 ? v.constant
                      : slots_[static_cast<size_t>(v.slot)] + v.constant;
  }

  bool Holds(const Condition& c) const;
  sim::Task<Flow> Run(const Block& block);
  sim::Task<Flow> Send(const Step& s);
  sim::Task<void> Receive(const Step& s);
  sim::Task<Flow> Repeat(const Step& s);
  sim::Task<Flow> Loop(const Step& s);
  sim::Task<Flow> Group(const Step& s);
  sim::Task<void> RunTask(const TaskSpec* task, sim::TaskGroup* group);
  sim::Task<Flow> Try(const Step& s);
  sim::Task<Flow> Timeout(const Step& s);
  sim::Task<bool> IsDisconnected();
  void DoMark(Mark mark);
  sim::Task<void> CallApp();

  std::shared_ptr<const AppProgram> program_;
  AppContext& ctx_;
  App* inner_;             // a middleware's inner app, else nullptr
  const char* name_;       // a middleware's name (static: the catalog's)
  uint32_t app_sent_ = 0;  // bit t: the inner app sent MessageType t
  const Scope* scope_ = nullptr;
  Channel* ch_ = nullptr;
  sim::Time start_;
  std::vector<int64_t> slots_;
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

sim::Task<Flow> ProgramApp::Run(const Block& block) {
  for (const Step& s : block) {
    Flow flow = Flow::kNext;
    switch (s.op) {
      case StepOp::kSend:
        flow = co_await Send(s);
        break;
      case StepOp::kReceive:
        co_await Receive(s);
        break;
      case StepOp::kPollDisconnect:
        if (co_await IsDisconnected()) disconnected_ = true;
        break;
      case StepOp::kSleep:
        if (!s.duration.IsZero()) co_await sim::Sleep(s.duration);
        break;
      case StepOp::kWaitForever: {
        sim::Event never;
        co_await never.Wait();
        break;
      }
      case StepOp::kRepeat:
        flow = co_await Repeat(s);
        break;
      case StepOp::kLoop:
        flow = co_await Loop(s);
        break;
      case StepOp::kIf:
        flow = co_await Run(Holds(s.until) ? s.body : s.alt);
        break;
      case StepOp::kTaskGroup:
        flow = co_await Group(s);
        break;
      case StepOp::kTry:
        flow = co_await Try(s);
        break;
      case StepOp::kTimeout:
        flow = co_await Timeout(s);
        break;
      case StepOp::kRaise:
        std::rethrow_exception(py::MakeException(s.class_name, s.text));
      case StepOp::kReturn:
        co_return Flow::kReturn;
      case StepOp::kNote:
        ctx_.executor.Record(kEvAppNote, 0, 0, [&s] { return s.text; });
        break;
      case StepOp::kSetFlag:
        slots_[static_cast<size_t>(s.slot)] = 1;
        break;
      case StepOp::kMark:
        DoMark(s.mark);
        break;
      case StepOp::kCallApp:
        co_await CallApp();
        break;
      case StepOp::kReraise:
        throw ReraiseSignal{};
      case StepOp::kBaseHttp:
        co_await CallBaseHttp(ctx_, *inner_, *scope_, *ch_, s.check, name_);
        break;
    }
    if (flow == Flow::kReturn) co_return Flow::kReturn;
  }
  co_return Flow::kNext;
}

sim::Task<Flow> ProgramApp::Send(const Step& s) {
  Message m = s.message;
  m.seq = static_cast<uint32_t>(Eval(s.seq));
  m.bytes = static_cast<uint32_t>(Eval(s.bytes));
  m.status = static_cast<int32_t>(Eval(s.status));
  m.code = static_cast<int32_t>(Eval(s.code));
  SendReturn r;
  try {
    // (Not `cond ? co_await a : co_await b`: gcc 12 runs both awaits.)
    if (program_->middleware) {
      r = co_await SendAsMiddleware(ctx_, name_, *ch_, m);
    } else {
      r = co_await ch_->Send(m);
    }
  } catch (...) {
    send_raised_ = true;
    throw;
  }
  if (!s.check) co_return Flow::kNext;
  bool delivered = true;
  if (r.kind == SendReturnKind::kResult) delivered = r.delivered;
  if (r.kind == SendReturnKind::kFuture) delivered = co_await r.future->Wait();
  undelivered_ = !delivered;
  if (delivered) co_return Flow::kNext;
  co_return co_await Run(s.alt);
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

sim::Task<Flow> ProgramApp::Repeat(const Step& s) {
  const int64_t n = Eval(s.count);
  for (int64_t i = 0; i < n; ++i) {
    slots_[static_cast<size_t>(s.slot)] = i;
    if (co_await Run(s.body) == Flow::kReturn) co_return Flow::kReturn;
  }
  co_return Flow::kNext;
}

sim::Task<Flow> ProgramApp::Loop(const Step& s) {
  for (int64_t pass = 0; pass < s.max_passes; ++pass) {
    if (co_await Run(s.body) == Flow::kReturn) co_return Flow::kReturn;
    if (Holds(s.until)) break;
  }
  co_return Flow::kNext;
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
    if (error && program_->level_cancellation && IsCancelled(error)) {
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

// Starlette's Request.is_disconnected(): receive() inside an already
// cancelled anyio scope. It only sees a message available without
// suspending; a message obtained so is discarded unless it is a disconnect
// (http.disconnect, or websocket.disconnect for a WebSocket program).
sim::Task<bool> ProgramApp::IsDisconnected() {
  sim::TaskState* self = co_await sim::CurrentTask();
  self->executor->Cancel(self);
  bool disconnected = false;
  try {
    Message m = co_await ch_->Receive();
    disconnected = m.IsDisconnect();
  } catch (const sim::Cancelled&) {
  }
  // The scope absorbs its own cancellation, delivered or not.
  self->cancel_pending = false;
  self->Uncancel();
  co_return disconnected;
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

std::unique_ptr<App> MakeProgramMiddleware(
    std::shared_ptr<const AppProgram> program, AppContext& context, App& inner,
    const char* name) {
  SIM_CHECK(program->middleware) << program->name << " is not a middleware";
  return std::make_unique<ProgramApp>(std::move(program), context, &inner,
                                      name);
}

std::unique_ptr<App> MakeProgramApp(std::shared_ptr<const AppProgram> program,
                                    AppContext& context) {
  return std::make_unique<ProgramApp>(std::move(program), context);
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
