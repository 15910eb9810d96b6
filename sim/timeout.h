// Timeouts: WaitFor(task, d) runs `task` inline and, if it has not finished
// after `d` of virtual time, cancels it and throws sim::TimeoutError
// (asyncio.wait_for / asyncio.timeout semantics, including uncancel: an
// outside cancellation that races the timeout still propagates as Cancelled).
//
//   try {
//     int v = co_await sim::WaitFor(Fetch(queue), sim::Seconds(1));
//   } catch (const sim::TimeoutError&) { ... }
//
// Thread-safety: one executor's thread.
#ifndef HANGUP_SIM_TIMEOUT_H_
#define HANGUP_SIM_TIMEOUT_H_

#include <type_traits>
#include <utility>

#include "sim/executor.h"
#include "sim/task.h"

namespace sim {

// Arms a timer that cancels `task` at `deadline`; disarmed on destruction.
class TimeoutGuard {
 public:
  TimeoutGuard(TaskState* task, Time deadline) : task_(task) {
    timer_ = task->executor->AddTimer(deadline, &Fire, this);
  }
  ~TimeoutGuard() { Disarm(); }
  TimeoutGuard(const TimeoutGuard&) = delete;
  TimeoutGuard& operator=(const TimeoutGuard&) = delete;

  void Disarm() {
    if (armed_) task_->executor->CancelTimer(timer_);
    armed_ = false;
  }
  bool fired() const { return fired_; }

 private:
  static void Fire(void* arg) {
    auto* g = static_cast<TimeoutGuard*>(arg);
    g->armed_ = false;
    g->fired_ = true;
    g->task_->executor->Cancel(g->task_);
  }

  TaskState* task_;
  Executor::TimerId timer_;
  bool armed_ = true;
  bool fired_ = false;
};

// Awaits `task` inline with a deadline `timeout` from now. Wrap other
// awaitables in a Task (a one-line coroutine) to time them out.
template <typename T>
Task<T> WaitFor(Task<T> task, Duration timeout) {
  TaskState* self = co_await CurrentTask();
  TimeoutGuard guard(self, self->executor->Now() + timeout);
  try {
    if constexpr (std::is_void_v<T>) {
      co_await std::move(task);
      guard.Disarm();
      if (guard.fired()) self->Uncancel();
      co_return;
    } else {
      T value = co_await std::move(task);
      guard.Disarm();
      if (guard.fired()) self->Uncancel();
      co_return value;
    }
  } catch (const Cancelled&) {
    if (!guard.fired() || self->Uncancel() > 0) throw;
  }
  throw TimeoutError();
}

}  // namespace sim

#endif  // HANGUP_SIM_TIMEOUT_H_
