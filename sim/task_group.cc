#include "sim/task_group.h"

#include <utility>

namespace sim {

TaskGroup::TaskGroup(Executor& executor) : state_(std::make_shared<State>()) {
  state_->executor = &executor;
  state_->all_done.Set();
}

TaskGroup::~TaskGroup() {
  if (!joined_) CancelChildren(*state_);
}

void TaskGroup::Spawn(Task<void> child, absl::string_view name) {
  if (state_->running == 0) state_->all_done.Clear();
  ++state_->running;
  auto handle =
      state_->executor->Spawn(RunChild(state_, std::move(child)), name);
  state_->children.push_back(handle.state());
}

void TaskGroup::CancelAll() { CancelChildren(*state_); }

void TaskGroup::CancelChildren(State& state, const TaskState* except) {
  for (TaskState* child : state.children) {
    if (child != except && !child->done()) state.executor->Cancel(child);
  }
}

Task<void> TaskGroup::RunChild(std::shared_ptr<State> state, Task<void> body) {
  TaskState* self = co_await CurrentTask();
  try {
    co_await std::move(body);
  } catch (const Cancelled&) {
    // A cancelled child is not a failure.
  } catch (...) {
    state->errors.push_back(std::current_exception());
    if (state->errors.size() == 1) CancelChildren(*state, self);
  }
  if (--state->running == 0) state->all_done.Set();
}

Task<std::vector<std::exception_ptr>> TaskGroup::JoinCollect() {
  bool cancelled = false;
  while (state_->running > 0) {
    try {
      co_await state_->all_done.Wait();
    } catch (const Cancelled&) {
      cancelled = true;
      CancelChildren(*state_);
    }
  }
  joined_ = true;
  if (cancelled && state_->errors.empty()) throw Cancelled();
  co_return std::move(state_->errors);
}

Task<void> TaskGroup::Join() {
  std::vector<std::exception_ptr> errors = co_await JoinCollect();
  if (!errors.empty()) std::rethrow_exception(errors.front());
}

}  // namespace sim

