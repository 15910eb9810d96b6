// Awaitable synchronisation primitives for simulated tasks: Event, Queue<T>
// and Future<T>, with asyncio's semantics.
//
// Waiters are woken in FIFO order; a woken task runs when the scheduler picks
// it. A task cancelled while waiting gets Cancelled and loses nothing: an item
// handed to a cancelled Queue getter goes back to the front of the queue.
//
//   sim::Queue<int> q;
//   q.Put(1);                          // never blocks (unbounded)
//   int v = co_await q.Get();
//   sim::Event done;  done.Set();  co_await done.Wait();
//   sim::Future<int> f;  f.SetResult(3);  int r = co_await f.Wait();
//
// Lifetime: a primitive must outlive every task waiting on it.
// Thread-safety: one executor's thread.
#ifndef HANGUP_SIM_SYNC_H_
#define HANGUP_SIM_SYNC_H_

#include <algorithm>
#include <deque>
#include <exception>
#include <optional>
#include <utility>

#include "sim/executor.h"
#include "sim/task.h"

namespace sim {

namespace internal {

// Parks the awaiting task on `list` unless a cancellation is pending.
// On cancel the waiter is unlinked and the task woken to receive Cancelled.
struct ListWait {
  Waiter waiter;

  template <typename P>
  void Park(std::coroutine_handle<P> h, WaitList& list) {
    TaskState* t = h.promise().task;
    waiter.task = t;
    if (t->executor->Block(t, h, &OnCancel, this)) list.PushBack(&waiter);
  }
  static bool OnCancel(void* arg) {
    static_cast<ListWait*>(arg)->waiter.Unlink();
    return true;
  }
};

inline void WakeAll(WaitList& list) {
  while (Waiter* w = list.PopFront()) w->task->executor->Wake(w->task);
}

}  // namespace internal

class Event {
 public:
  bool is_set() const { return set_; }
  void Set() {
    set_ = true;
    internal::WakeAll(waiters_);
  }
  void Clear() { set_ = false; }

  struct Awaiter : internal::ListWait {
    Event* event;
    bool await_ready() noexcept { return event->set_; }
    template <typename P>
    void await_suspend(std::coroutine_handle<P> h) {
      Park(h, event->waiters_);
    }
    void await_resume() {
      if (waiter.task) waiter.task->ThrowIfCancelled();
    }
  };
  // Returns at once when set; otherwise waits for Set().
  Awaiter Wait() { return Awaiter{{}, this}; }

 private:
  bool set_ = false;
  WaitList waiters_;
};

template <typename T>
class Queue {
 public:
  // capacity 0 means unbounded.
  explicit Queue(size_t capacity = 0) : capacity_(capacity) {}

  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  bool full() const { return capacity_ != 0 && items_.size() >= capacity_; }

  // Hands the item to the oldest waiting getter, or appends it.
  // REQUIRES: !full().
  void Put(T item) {
    SIM_CHECK(!full()) << "Queue::Put on a full queue; use co_await PutWait";
    Deliver(std::move(item));
  }
  std::optional<T> TryGet() {
    if (items_.empty()) return std::nullopt;
    T v = std::move(items_.front());
    items_.pop_front();
    internal::WakeAll(putters_);
    return v;
  }

  struct GetAwaiter {
    Queue* q;
    TaskState* task = nullptr;  // set when suspended
    bool waiting = false;       // in q->getters_
    std::optional<T> slot;

    bool await_ready() {
      if (q->items_.empty() || !q->getters_.empty()) return false;
      slot = std::move(q->items_.front());
      q->items_.pop_front();
      internal::WakeAll(q->putters_);
      return true;
    }
    template <typename P>
    void await_suspend(std::coroutine_handle<P> h) {
      task = h.promise().task;
      if (task->executor->Block(task, h, &OnCancel, this)) {
        q->getters_.push_back(this);
        waiting = true;
      }
    }
    static bool OnCancel(void* arg) {
      static_cast<GetAwaiter*>(arg)->Forget();
      return true;
    }
    void Forget() {
      if (!waiting) return;
      waiting = false;
      auto& g = q->getters_;
      g.erase(std::find(g.begin(), g.end(), this));
    }
    T await_resume() {
      if (task && task->cancel_pending) {
        if (slot) q->Requeue(std::move(*slot));
        task->ThrowIfCancelled();
      }
      return std::move(*slot);
    }
    ~GetAwaiter() { Forget(); }
  };
  GetAwaiter Get() { return GetAwaiter{this, nullptr, false, std::nullopt}; }

  // Waits while the queue is full, then puts.
  Task<void> PutWait(T item) {
    while (full()) {
      internal::ListWait wait;
      co_await PutterAwaiter{this, &wait};
    }
    Deliver(std::move(item));
  }

 private:
  struct PutterAwaiter {
    Queue* q;
    internal::ListWait* wait;
    bool await_ready() { return !q->full(); }
    template <typename P>
    void await_suspend(std::coroutine_handle<P> h) {
      wait->Park(h, q->putters_);
    }
    void await_resume() {
      if (wait->waiter.task) wait->waiter.task->ThrowIfCancelled();
    }
  };

  void Deliver(T item) {
    if (!getters_.empty()) {
      GetAwaiter* g = getters_.front();
      getters_.pop_front();
      g->waiting = false;
      g->slot = std::move(item);
      g->task->executor->Wake(g->task);
      return;
    }
    items_.push_back(std::move(item));
  }
  // An item given back by a cancelled getter goes first again.
  void Requeue(T item) {
    if (!getters_.empty()) {
      Deliver(std::move(item));
      return;
    }
    items_.push_front(std::move(item));
  }

  size_t capacity_;
  std::deque<T> items_;
  std::deque<GetAwaiter*> getters_;  // suspended getters, FIFO
  WaitList putters_;
};

// A one-shot result: set once, awaited by any number of tasks.
template <typename T>
class Future {
 public:
  bool done() const { return value_.has_value() || error_ != nullptr; }
  // REQUIRES: !done().
  void SetResult(T v) {
    SIM_CHECK(!done()) << "Future set twice";
    value_.emplace(std::move(v));
    internal::WakeAll(waiters_);
  }
  void SetException(std::exception_ptr e) {
    SIM_CHECK(!done()) << "Future set twice";
    error_ = std::move(e);
    internal::WakeAll(waiters_);
  }
  // REQUIRES: done().
  const T& result() const {
    if (error_) std::rethrow_exception(error_);
    return *value_;
  }

  struct Awaiter : internal::ListWait {
    Future* f;
    bool await_ready() noexcept { return f->done(); }
    template <typename P>
    void await_suspend(std::coroutine_handle<P> h) {
      Park(h, f->waiters_);
    }
    T await_resume() {
      if (waiter.task) waiter.task->ThrowIfCancelled();
      return f->result();
    }
  };
  Awaiter Wait() { return Awaiter{{}, this}; }

 private:
  std::optional<T> value_;
  std::exception_ptr error_;
  WaitList waiters_;
};

}  // namespace sim

#endif  // HANGUP_SIM_SYNC_H_
