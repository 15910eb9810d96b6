// The executor: the only thing that resumes coroutines. It keeps the ready
// tasks, the virtual clock and the timers, draws every scheduling decision
// from the ChoiceSource, and folds each step into the trace.
//
// A run is: construct, Spawn the roots, Run() once, inspect, destroy. Run()
// returns when no task can ever run again (completed or quiescent), or when
// the step or virtual-time budget is spent: a model that loops forever ends
// with a budget verdict, never a hung process. When nothing is ready the clock
// jumps to the next timer.
//
//   sim::RandomWalkSource random(seed);
//   sim::Executor ex(random, {.max_steps = 10'000});
//   ex.Spawn(Worker(ex), "worker");
//   sim::RunResult r = ex.Run();   // r.verdict, r.trace_hash, r.steps
//
// Lifetime: every object a task references must outlive the executor (its
// destructor destroys the remaining coroutine frames, running their
// destructors once).
// Thread-safety: one executor belongs to one thread; executors on different
// threads share nothing.
#ifndef HANGUP_SIM_EXECUTOR_H_
#define HANGUP_SIM_EXECUTOR_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "sim/check.h"
#include "sim/choice.h"
#include "sim/ready_list.h"
#include "sim/task.h"
#include "sim/time.h"
#include "sim/trace.h"

namespace sim {

struct ExecutorOptions {
  // Step budget: resumes per run before the run ends with kStepBudget.
  int64_t max_steps = 1'000'000;
  // Virtual-time budget: a timer later than this ends the run (kTimeBudget).
  Duration max_time = Seconds(3600);
  // Keep trace events for a timeline (the hash is computed either way).
  bool record_trace = false;
};

enum class RunVerdict : uint8_t {
  kCompleted = 0,   // every task finished
  kQuiescent = 1,   // tasks remain, all blocked, no timer pending: stuck
  kStepBudget = 2,  // step budget spent (liveness)
  kTimeBudget = 3,  // virtual-time budget spent (liveness)
};
absl::string_view RunVerdictName(RunVerdict verdict);

struct RunResult {
  RunVerdict verdict = RunVerdict::kCompleted;
  int64_t steps = 0;
  Time end_time;
  uint64_t trace_hash = 0;
  int unfinished_tasks = 0;
  // Tasks that failed with an exception nobody awaited ("Task exception was
  // never retrieved").
  int unretrieved_failures = 0;
};

template <typename T>
class JoinHandle;

class Executor {
 public:
  struct TimerId {
    uint32_t slot = 0;
    uint64_t seq = 0;
  };
  using TimerFn = void (*)(void*);

  explicit Executor(ChoiceSource& choices, const ExecutorOptions& options = {});
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  // Makes `task` a new simulated task, ready to run. `name` labels it in the
  // timeline. REQUIRES: `name` outlives the executor (a string literal).
  template <typename T>
  JoinHandle<T> Spawn(Task<T> task, absl::string_view name);

  // Runs until completion, quiescence or a budget. Call once.
  RunResult Run();

  Time Now() const { return now_; }
  int64_t steps() const { return steps_; }
  // A traced draw from the choice source; n < 2 returns 0 without a draw.
  uint32_t Choose(ChoiceKind kind, uint32_t n);

  // Requests cancellation of a task (asyncio Task.cancel): a Cancelled is
  // thrown at its next suspension point. Returns false if already done.
  bool Cancel(TaskState* task);
  bool Cancel(TaskId id) { return Cancel(tasks_[id]); }

  TaskState* task(TaskId id) { return tasks_[id]; }
  int64_t task_count() const { return static_cast<int64_t>(tasks_.size()); }
  // The running task, or kNoTask between steps (timer callbacks).
  TaskId current() const { return current_ ? current_->id : kNoTask; }

  Trace& trace() { return trace_; }
  // Task names by TaskId, for timelines.
  std::vector<absl::string_view> task_names() const;

  // Adds a model event to the trace at the current time and task.
  template <typename DetailFn>
  void Record(const EventType& type, int64_t a, int64_t b, DetailFn&& detail) {
    trace_.Add(now_, current(), type, a, b, std::forward<DetailFn>(detail));
  }
  void Record(const EventType& type, int64_t a = 0, int64_t b = 0) {
    trace_.Add(now_, current(), type, a, b);
  }

  // --- For awaitables (sim/sync.h and the like). ---
  //
  // An awaitable's await_suspend records why the task waits (Block, Requeue)
  // and returns to Run, which picks the next task. (Transferring straight to
  // the next task by symmetric transfer was measured slower: the mismatched
  // call/return pairs defeat the return-address predictor.)

  // Suspends `task` at `h`. Returns false, having made the task ready, when a
  // cancellation is pending (the awaiter must then not register a wait and
  // must throw from await_resume); true when the task is now blocked and
  // `on_cancel(arg)` will be called if it is cancelled while blocked.
  bool Block(TaskState* task, std::coroutine_handle<> h,
             bool (*on_cancel)(void*), void* arg);
  // Makes a blocked task ready (no effect on ready, running or done tasks).
  void Wake(TaskState* task);
  // Suspends the running task at `h` and makes it ready again (a yield): it
  // is option 0, "keep running", of the next scheduling choice.
  void Requeue(TaskState* task, std::coroutine_handle<> h) {
    task->resume_point = h;
    task->status = TaskState::Status::kReady;
    ready_.PushFront(task);
    yielded_ = true;
  }

  TimerId AddTimer(Time at, TimerFn fn, void* arg);
  void CancelTimer(TimerId id);

  // Internal: a task's root coroutine finished.
  void OnRootDone(TaskState* task, std::exception_ptr error);

 private:
  struct TimerEntry {
    Time at;
    uint64_t seq;
    uint32_t slot;
  };
  struct TimerSlot {
    TimerFn fn = nullptr;
    void* arg = nullptr;
    uint64_t seq = 0;
  };

  TaskState* NewTask(std::coroutine_handle<> root, absl::string_view name);
  // Chooses and removes the next task; *choice_event = options<<32 | pick.
  [[gnu::always_inline]] inline TaskState* PickNext(int64_t* choice_event);
  // Picks the next task and accounts its step; returns its resume point.
  // REQUIRES: a task is ready.
  [[gnu::always_inline]] inline std::coroutine_handle<> StartStep();
  void PushReady(TaskState* task) { ready_.PushBack(task); }
  bool FireNextTimers();
  void Finish(TaskState* task);

  ChoiceSource& choices_;
  ExecutorOptions options_;
  Trace trace_;
  // Task records: the first kInlineTasks live inside the executor (no
  // allocation for small runs), the rest on the heap; addresses are stable.
  static constexpr size_t kInlineTasks = 8;
  alignas(
      TaskState) unsigned char inline_tasks_[kInlineTasks * sizeof(TaskState)];
  std::vector<std::unique_ptr<TaskState>> heap_tasks_;
  absl::InlinedVector<TaskState*, kInlineTasks> tasks_;
  // Ready tasks in option order: the task that yielded in the last step, if
  // any (yielded_), first; then the others in the order they became ready.
  ReadyList ready_;
  bool yielded_ = false;
  const bool wants_ids_;
  std::vector<TaskId> option_ids_;  // scratch for ChooseTask
  TaskState* current_ = nullptr;
  Time now_;
  int64_t steps_ = 0;
  bool time_budget_hit_ = false;
  bool shutting_down_ = false;

  std::vector<TimerEntry> timer_heap_;
  std::vector<TimerSlot> timer_slots_;
  std::vector<uint32_t> free_slots_;
  uint64_t timer_seq_ = 0;
};

// Waits for a spawned task: returns its value or rethrows its exception
// (Cancelled if it was cancelled). Cancelling the waiter forwards the
// cancellation to the awaited task, as awaiting an asyncio Task does.
// REQUIRES (T non-void): awaited at most once.
template <typename T>
class JoinHandle {
 public:
  JoinHandle() = default;
  JoinHandle(TaskState* state, std::coroutine_handle<internal::Promise<T>> root)
      : state_(state), root_(root) {}

  bool valid() const { return state_ != nullptr; }
  TaskId id() const { return state_->id; }
  TaskState* state() const { return state_; }
  bool done() const { return state_->done(); }
  void Cancel() const { state_->executor->Cancel(state_); }

  struct Awaiter {
    TaskState* target;
    std::coroutine_handle<internal::Promise<T>> root;
    Waiter waiter;

    bool await_ready() noexcept { return target->done(); }
    template <typename P>
    void await_suspend(std::coroutine_handle<P> h) {
      TaskState* self = h.promise().task;
      if (self->cancel_pending) {  // forward, then wait for the outcome
        self->cancel_pending = false;
        target->executor->Cancel(target);
      }
      SIM_CHECK(self->executor->Block(self, h, &OnCancel, this));
      waiter.task = self;
      target->joiners.PushBack(&waiter);
    }
    static bool OnCancel(void* arg) {
      auto* a = static_cast<Awaiter*>(arg);
      a->waiter.task->cancel_pending = false;
      a->target->executor->Cancel(a->target);
      return false;
    }
    T await_resume() {
      target->joined = true;
      if (target->error) std::rethrow_exception(target->error);
      return root.promise().Take();
    }
  };
  Awaiter operator co_await() const noexcept {
    return Awaiter{state_, root_, {}};
  }

 private:
  TaskState* state_ = nullptr;
  std::coroutine_handle<internal::Promise<T>> root_;
};

template <typename T>
JoinHandle<T> Executor::Spawn(Task<T> task, absl::string_view name) {
  auto h = task.Release();
  SIM_CHECK(h) << "Spawn of an empty Task";
  TaskState* state = NewTask(h, name);
  h.promise().task = state;
  return JoinHandle<T>(state, h);
}

// Suspends the current task and lets the scheduler choose who runs next
// (asyncio.sleep(0)).
struct Yield {
  TaskState* task = nullptr;
  bool await_ready() noexcept { return false; }
  template <typename P>
  void await_suspend(std::coroutine_handle<P> h) {
    task = h.promise().task;
    task->executor->Requeue(task, h);
  }
  void await_resume() { task->ThrowIfCancelled(); }
};

// Suspends the current task for `d` of virtual time. Even Sleep(0) suspends:
// it resumes once nothing else is ready at the current time.
class Sleep {
 public:
  explicit Sleep(Duration d) : d_(d) {}
  bool await_ready() noexcept { return false; }
  template <typename P>
  void await_suspend(std::coroutine_handle<P> h) {
    task_ = h.promise().task;
    Executor& ex = *task_->executor;
    if (ex.Block(task_, h, &OnCancel, this)) {
      timer_ = ex.AddTimer(ex.Now() + d_, &Fire, task_);
    }
  }
  void await_resume() { task_->ThrowIfCancelled(); }

 private:
  static void Fire(void* arg) {
    auto* t = static_cast<TaskState*>(arg);
    t->executor->Wake(t);
  }
  static bool OnCancel(void* arg) {
    auto* s = static_cast<Sleep*>(arg);
    s->task_->executor->CancelTimer(s->timer_);
    return true;
  }

  Duration d_;
  TaskState* task_ = nullptr;
  Executor::TimerId timer_;
};

}  // namespace sim

#endif  // HANGUP_SIM_EXECUTOR_H_
