// sim::Task<T>: the lazy coroutine type every simulated task is written in,
// and the per-task record the executor keeps (TaskState).
//
// A Task does nothing until it is awaited or spawned. `co_await SomeTask()`
// runs the child inline in the same simulated task (as `await coro()` in
// asyncio); Executor::Spawn makes a new simulated task (asyncio.create_task).
// Only the executor resumes coroutines. Cancellation arrives as a
// sim::Cancelled exception at the task's next suspension point.
//
//   sim::Task<int> Answer(sim::Executor& ex) {
//     co_await sim::Sleep(sim::Millis(5));
//     co_return 42;
//   }
//   sim::Task<void> Main(sim::Executor& ex) { int v = co_await Answer(ex); }
//
// Coroutine rules (see STYLE.md): no capturing coroutine lambdas; pass
// arguments by value or by reference to objects that outlive the executor.
// Thread-safety: one executor, one thread.
#ifndef HANGUP_SIM_TASK_H_
#define HANGUP_SIM_TASK_H_

#include <coroutine>
#include <exception>
#include <optional>
#include <utility>

#include "absl/strings/string_view.h"
#include "sim/choice.h"

namespace sim {

class Executor;
struct TaskState;

// Thrown into a task at its next suspension point after Cancel(), as asyncio's
// CancelledError. Catch it to clean up; rethrow unless deliberately absorbing.
class Cancelled : public std::exception {
 public:
  const char* what() const noexcept override { return "cancelled"; }
};

// Thrown by WaitFor when its timeout expires (asyncio.TimeoutError).
class TimeoutError : public std::exception {
 public:
  const char* what() const noexcept override { return "timeout"; }
};

// An intrusive wait-list node. Lives inside an awaiter, i.e. inside the
// suspended coroutine frame; unlinks itself when destroyed.
class WaitList;
struct Waiter {
  TaskState* task = nullptr;
  Waiter* prev = nullptr;
  Waiter* next = nullptr;
  WaitList* list = nullptr;  // the list this waiter is in, if any

  Waiter() = default;
  Waiter(const Waiter&) = delete;
  Waiter& operator=(const Waiter&) = delete;
  ~Waiter() { Unlink(); }
  bool linked() const { return list != nullptr; }
  // Removes the waiter from its list, if it is in one.
  void Unlink();
};

// FIFO list of waiters; deterministic (creation order of waits).
class WaitList {
 public:
  WaitList() = default;
  WaitList(const WaitList&) = delete;
  WaitList& operator=(const WaitList&) = delete;
  ~WaitList();

  bool empty() const { return head_ == nullptr; }
  void PushBack(Waiter* w);
  Waiter* PopFront();  // nullptr when empty

 private:
  friend struct Waiter;
  Waiter* head_ = nullptr;
  Waiter* tail_ = nullptr;
};

// The executor's record of one spawned task. Owned by the executor; lives
// until the executor is destroyed, so pointers to it stay valid for a run.
struct TaskState {
  enum class Status : uint8_t { kReady, kRunning, kBlocked, kDone };
  enum class Outcome : uint8_t { kRunning, kReturned, kFailed, kCancelled };

  Executor* executor = nullptr;
  TaskId id = 0;
  absl::string_view name;  // static storage (see Executor::Spawn)
  Status status = Status::kReady;
  Outcome outcome = Outcome::kRunning;
  bool started = false;
  // A cancellation waiting to be thrown at the next suspension point.
  bool cancel_pending = false;
  // Cancel() calls not yet absorbed by Uncancel() (asyncio's cancelling()).
  int cancel_requests = 0;
  // Whether some task awaited this task's outcome.
  bool joined = false;

  std::coroutine_handle<> root;          // destroyed by the executor
  std::coroutine_handle<> resume_point;  // innermost suspended coroutine

  // Set while blocked: called by Cancel(); returns true when the task should
  // be woken now to receive Cancelled, false when the awaitable took care of
  // it (for example by forwarding the cancellation).
  bool (*on_cancel)(void*) = nullptr;
  void* on_cancel_arg = nullptr;

  std::exception_ptr error;  // the failure, or Cancelled, once done
  WaitList joiners;
  // Called once when the task is done (however it ended, also when it was
  // cancelled before it started): asyncio's add_done_callback.
  void (*on_done)(TaskState*, void*) = nullptr;
  void* on_done_arg = nullptr;

  // Consumes a pending cancellation: throws Cancelled if one is pending.
  void ThrowIfCancelled() {
    if (cancel_pending) {
      cancel_pending = false;
      throw Cancelled();
    }
  }
  // Absorbs one cancel request; returns the requests left (asyncio uncancel).
  int Uncancel() { return cancel_requests > 0 ? --cancel_requests : 0; }
  bool done() const { return status == Status::kDone; }
};

namespace internal {

// Called when a task's root coroutine finishes (defined in executor.cc).
void OnRootDone(TaskState* task, std::exception_ptr error);

struct PromiseBase {
  TaskState* task = nullptr;
  std::coroutine_handle<> continuation;
  std::exception_ptr exception;

  struct FinalAwaiter {
    bool await_ready() noexcept { return false; }
    template <typename P>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<P> h) noexcept {
      PromiseBase& p = h.promise();
      if (p.continuation) return p.continuation;
      OnRootDone(p.task, p.exception);
      return std::noop_coroutine();
    }
    void await_resume() noexcept {}
  };

  std::suspend_always initial_suspend() noexcept { return {}; }
  FinalAwaiter final_suspend() noexcept { return {}; }
  void unhandled_exception() noexcept { exception = std::current_exception(); }
};

template <typename T>
struct Promise;

}  // namespace internal

template <typename T = void>
class [[nodiscard]] Task {
 public:
  using promise_type = internal::Promise<T>;
  using Handle = std::coroutine_handle<promise_type>;

  Task() = default;
  explicit Task(Handle h) : h_(h) {}
  Task(Task&& other) noexcept : h_(std::exchange(other.h_, {})) {}
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      if (h_) h_.destroy();
      h_ = std::exchange(other.h_, {});
    }
    return *this;
  }
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;
  ~Task() {
    if (h_) h_.destroy();
  }

  bool valid() const { return static_cast<bool>(h_); }
  // Gives up ownership of the frame (the executor takes it on Spawn).
  Handle Release() { return std::exchange(h_, {}); }

  struct Awaiter {
    Handle child;
    bool await_ready() noexcept { return false; }
    template <typename P>
    std::coroutine_handle<> await_suspend(
        std::coroutine_handle<P> parent) noexcept {
      child.promise().task = parent.promise().task;
      child.promise().continuation = parent;
      return child;
    }
    T await_resume() {
      if (child.promise().exception) {
        std::rethrow_exception(child.promise().exception);
      }
      return child.promise().Take();
    }
  };
  Awaiter operator co_await() && noexcept { return Awaiter{h_}; }

 private:
  Handle h_;
};

namespace internal {

template <typename T>
struct Promise : PromiseBase {
  std::optional<T> value;
  Task<T> get_return_object() {
    return Task<T>(std::coroutine_handle<Promise>::from_promise(*this));
  }
  template <typename U>
  void return_value(U&& v) {
    value.emplace(std::forward<U>(v));
  }
  T Take() { return std::move(*value); }
};

template <>
struct Promise<void> : PromiseBase {
  Task<void> get_return_object() {
    return Task<void>(std::coroutine_handle<Promise>::from_promise(*this));
  }
  void return_void() {}
  void Take() {}
};

}  // namespace internal

// Awaitable that yields the current task's record without suspending.
struct CurrentTask {
  TaskState* task = nullptr;
  bool await_ready() noexcept { return false; }
  template <typename P>
  bool await_suspend(std::coroutine_handle<P> h) noexcept {
    task = h.promise().task;
    return false;
  }
  TaskState* await_resume() noexcept { return task; }
};

}  // namespace sim

#endif  // HANGUP_SIM_TASK_H_
