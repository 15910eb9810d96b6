#include "sim/executor.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace sim {
namespace {

bool Later(const auto& a, const auto& b) {
  return a.at != b.at ? a.at > b.at : a.seq > b.seq;
}

bool IsCancelled(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const Cancelled&) {
    return true;
  } catch (...) {
    return false;
  }
}

}  // namespace

absl::string_view RunVerdictName(RunVerdict verdict) {
  switch (verdict) {
    case RunVerdict::kCompleted:
      return "completed";
    case RunVerdict::kQuiescent:
      return "quiescent";
    case RunVerdict::kStepBudget:
      return "step-budget";
    case RunVerdict::kTimeBudget:
      return "time-budget";
  }
  return "?";
}

void internal::OnRootDone(TaskState* task, std::exception_ptr error) {
  task->executor->OnRootDone(task, std::move(error));
}

void Waiter::Unlink() {
  if (list == nullptr) return;
  if (prev) {
    prev->next = next;
  } else {
    list->head_ = next;
  }
  if (next) {
    next->prev = prev;
  } else {
    list->tail_ = prev;
  }
  prev = next = nullptr;
  list = nullptr;
}

WaitList::~WaitList() {
  while (PopFront() != nullptr) {
  }
}

void WaitList::PushBack(Waiter* w) {
  SIM_CHECK(w->list == nullptr) << "waiter already waiting";
  w->prev = tail_;
  w->next = nullptr;
  if (tail_) {
    tail_->next = w;
  } else {
    head_ = w;
  }
  tail_ = w;
  w->list = this;
}

Waiter* WaitList::PopFront() {
  Waiter* w = head_;
  if (w != nullptr) w->Unlink();
  return w;
}

Executor::Executor(ChoiceSource& choices, const ExecutorOptions& options)
    : choices_(choices),
      options_(options),
      trace_(options.record_trace),
      wants_ids_(choices.wants_task_ids()) {}

Executor::~Executor() {
  shutting_down_ = true;
  for (size_t i = tasks_.size(); i > 0; --i) {
    TaskState* t = tasks_[i - 1];
    if (t->root) t->root.destroy();
    t->root = {};
  }
  const size_t inline_count = std::min(tasks_.size(), kInlineTasks);
  for (size_t i = 0; i < inline_count; ++i) tasks_[i]->~TaskState();
}

TaskState* Executor::NewTask(std::coroutine_handle<> root,
                             absl::string_view name) {
  TaskState* t;
  if (tasks_.size() < kInlineTasks) {
    t = new (inline_tasks_ + tasks_.size() * sizeof(TaskState)) TaskState();
  } else {
    heap_tasks_.push_back(std::make_unique<TaskState>());
    t = heap_tasks_.back().get();
  }
  t->executor = this;
  t->id = static_cast<TaskId>(tasks_.size());
  t->root = root;
  t->resume_point = root;
  tasks_.push_back(t);
  t->name = name;
  PushReady(t);
  trace_.Add(now_, t->id, kEvSpawn, current_ ? current_->id : -1, 0,
             [&] { return std::string(name); });
  return t;
}

bool Executor::Block(TaskState* task, std::coroutine_handle<> h,
                     bool (*on_cancel)(void*), void* arg) {
  task->resume_point = h;
  if (task->cancel_pending) {
    task->status = TaskState::Status::kReady;
    PushReady(task);
    return false;
  }
  task->status = TaskState::Status::kBlocked;
  task->on_cancel = on_cancel;
  task->on_cancel_arg = arg;
  return true;
}

void Executor::Wake(TaskState* task) {
  if (task->status != TaskState::Status::kBlocked) return;
  task->on_cancel = nullptr;
  task->on_cancel_arg = nullptr;
  task->status = TaskState::Status::kReady;
  PushReady(task);
}

bool Executor::Cancel(TaskState* task) {
  if (shutting_down_ || task->done()) return false;
  ++task->cancel_requests;
  trace_.Add(now_, current(), kEvCancel, task->id, 0);
  if (!task->started) {
    // Never ran: it ends cancelled without running its body (an asyncio task
    // cancelled before its first step raises at its first line).
    ready_.Remove(task);
    OnRootDone(task, std::make_exception_ptr(Cancelled()));
    return true;
  }
  if (task->cancel_pending) return true;
  task->cancel_pending = true;
  if (task->status == TaskState::Status::kBlocked) {
    const bool wake =
        task->on_cancel == nullptr || task->on_cancel(task->on_cancel_arg);
    if (wake) Wake(task);
  }
  return true;
}

void Executor::OnRootDone(TaskState* task, std::exception_ptr error) {
  task->status = TaskState::Status::kDone;
  int code = 0;
  if (!error) {
    task->outcome = TaskState::Outcome::kReturned;
  } else if (IsCancelled(error)) {
    task->outcome = TaskState::Outcome::kCancelled;
    code = 2;
  } else {
    task->outcome = TaskState::Outcome::kFailed;
    code = 1;
  }
  task->error = std::move(error);
  if (task->on_done != nullptr) task->on_done(task, task->on_done_arg);
  trace_.Add(now_, task->id, kEvDone, code, 0, [code] {
    return std::string(code == 0   ? "returned"
                       : code == 1 ? "failed"
                                   : "cancelled");
  });
  while (Waiter* w = task->joiners.PopFront()) Wake(w->task);
}

std::vector<absl::string_view> Executor::task_names() const {
  std::vector<absl::string_view> names;
  names.reserve(tasks_.size());
  for (const TaskState* t : tasks_) names.push_back(t->name);
  return names;
}

uint32_t Executor::Choose(ChoiceKind kind, uint32_t n) {
  if (n < 2) return 0;
  const uint32_t v = choices_.Choose(kind, n);
  SIM_CHECK(v < n) << "choice source returned " << v << " of " << n;
  trace_.Add(now_, current(), kEvChoice, (static_cast<int64_t>(kind) << 32) | n,
             v);
  return v;
}

inline TaskState* Executor::PickNext(int64_t* choice_event) {
  const size_t n = ready_.size();
  uint32_t c = 0;
  *choice_event = 0;
  if (n > 1) {
    const ChoiceKind kind =
        yielded_ ? ChoiceKind::kScheduleKeep : ChoiceKind::kSchedule;
    if (wants_ids_) {
      option_ids_.clear();
      for (size_t i = 0; i < n; ++i) option_ids_.push_back(ready_[i]->id);
      c = choices_.ChooseTask(kind, option_ids_);
    } else {
      c = choices_.Choose(kind, static_cast<uint32_t>(n));
    }
    SIM_CHECK(c < n) << "choice source returned task option " << c << " of "
                     << n;
    *choice_event = (static_cast<int64_t>(n) << 32) | c;
  }
  yielded_ = false;
  return ready_.Take(c);
}

inline std::coroutine_handle<> Executor::StartStep() {
  int64_t choice = 0;
  TaskState* t = PickNext(&choice);
  t->status = TaskState::Status::kRunning;
  t->started = true;
  current_ = t;
  // The step event carries the scheduling choice: b = options<<32 | index.
  trace_.AddStep(now_, t->id, steps_, choice);
  ++steps_;
  return t->resume_point;
}

Executor::TimerId Executor::AddTimer(Time at, TimerFn fn, void* arg) {
  if (timer_slots_.capacity() == 0) {  // once, not per timer
    timer_slots_.reserve(16);
    timer_heap_.reserve(16);
  }
  uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = static_cast<uint32_t>(timer_slots_.size());
    timer_slots_.emplace_back();
  }
  const uint64_t seq = ++timer_seq_;
  timer_slots_[slot] = TimerSlot{fn, arg, seq};
  timer_heap_.push_back(TimerEntry{at, seq, slot});
  std::push_heap(
      timer_heap_.begin(), timer_heap_.end(),
      [](const TimerEntry& a, const TimerEntry& b) { return Later(a, b); });
  return TimerId{slot, seq};
}

void Executor::CancelTimer(TimerId id) {
  if (id.seq == 0 || id.slot >= timer_slots_.size()) return;
  TimerSlot& s = timer_slots_[id.slot];
  if (s.seq != id.seq) return;
  s.fn = nullptr;  // the heap entry is dropped lazily
}

bool Executor::FireNextTimers() {
  auto later = [](const TimerEntry& a, const TimerEntry& b) {
    return Later(a, b);
  };
  auto pop = [&]() {
    std::pop_heap(timer_heap_.begin(), timer_heap_.end(), later);
    const TimerEntry e = timer_heap_.back();
    timer_heap_.pop_back();
    TimerSlot& s = timer_slots_[e.slot];
    TimerSlot fired = s;
    if (s.seq == e.seq) {
      s = TimerSlot{};
      free_slots_.push_back(e.slot);
    } else {
      fired.fn = nullptr;
    }
    return fired;
  };
  while (!timer_heap_.empty()) {
    const TimerEntry& top = timer_heap_.front();
    const TimerSlot& s = timer_slots_[top.slot];
    if (s.seq == top.seq && s.fn != nullptr) break;
    pop();
  }
  if (timer_heap_.empty()) return false;
  const Time at = timer_heap_.front().at;
  if (at - Time() > options_.max_time) {
    time_budget_hit_ = true;
    return false;
  }
  if (at != now_) {
    now_ = at;
    trace_.Add(now_, kNoTask, kEvClock, at.nanos(), 0);
  }
  while (!timer_heap_.empty() && timer_heap_.front().at == at) {
    TimerSlot fired = pop();
    if (fired.fn != nullptr) fired.fn(fired.arg);
  }
  return true;
}

RunResult Executor::Run() {
  RunResult result;
  for (;;) {
    if (ready_.empty()) {
      current_ = nullptr;  // timer callbacks run outside any task
      if (!FireNextTimers()) break;
      continue;
    }
    if (steps_ >= options_.max_steps) {
      result.verdict = RunVerdict::kStepBudget;
      break;
    }
    StartStep().resume();
    // The task must have suspended through a sim awaitable (or finished).
    if (current_->status == TaskState::Status::kRunning) {
      SIM_CHECK(false) << "task #" << current_->id << " (" << current_->name
                       << ") suspended without telling the executor: only "
                          "sim awaitables may suspend a task";
    }
  }
  current_ = nullptr;
  for (const TaskState* t : tasks_) {
    if (!t->done()) ++result.unfinished_tasks;
    if (t->outcome == TaskState::Outcome::kFailed && !t->joined) {
      ++result.unretrieved_failures;
    }
  }
  if (result.verdict != RunVerdict::kStepBudget) {
    if (time_budget_hit_) {
      result.verdict = RunVerdict::kTimeBudget;
    } else {
      result.verdict = result.unfinished_tasks == 0 ? RunVerdict::kCompleted
                                                    : RunVerdict::kQuiescent;
    }
  }
  trace_.Add(now_, kNoTask, kEvVerdict, static_cast<int64_t>(result.verdict), 0,
             [&] { return std::string(RunVerdictName(result.verdict)); });
  result.steps = steps_;
  result.end_time = now_;
  result.trace_hash = trace_.hash();
  return result;
}

}  // namespace sim
