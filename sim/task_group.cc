#include "sim/task_group.h"

#include <utility>

namespace sim {

TaskGroup::TaskGroup(Executor& executor) : state_(executor) {
  state_.all_done.Set();
}

TaskGroup::~TaskGroup() {
  if (joined_) return;
  // Not joined (the parent left early): detach the children.
  for (TaskState* child : state_.children) {
    child->on_done = nullptr;
    child->on_done_arg = nullptr;
  }
  CancelChildren(state_);
}

void TaskGroup::Spawn(Task<void> child, absl::string_view name) {
  if (state_.running == 0) state_.all_done.Clear();
  ++state_.running;
  TaskState* t = state_.executor->Spawn(std::move(child), name).state();
  t->on_done = &TaskGroup::OnChildDone;
  t->on_done_arg = &state_;
  state_.children.push_back(t);
}

void TaskGroup::CancelAll() { CancelChildren(state_); }

void TaskGroup::CancelChildren(State& state, const TaskState* except) {
  for (TaskState* child : state.children) {
    if (child != except && !child->done()) state.executor->Cancel(child);
  }
}

void TaskGroup::OnChildDone(TaskState* child, void* arg) {
  auto* state = static_cast<State*>(arg);
  if (child->outcome == TaskState::Outcome::kFailed) {
    child->joined = true;  // the group retrieves it
    state->errors.push_back(child->error);
    if (state->errors.size() == 1) CancelChildren(*state, child);
  }
  if (--state->running == 0) state->all_done.Set();
}

Task<std::vector<std::exception_ptr>> TaskGroup::JoinCollect() {
  bool cancelled = false;
  while (state_.running > 0) {
    try {
      co_await state_.all_done.Wait();
    } catch (const Cancelled&) {
      cancelled = true;
      CancelChildren(state_);
    }
  }
  joined_ = true;
  if (cancelled && state_.errors.empty()) throw Cancelled();
  co_return std::move(state_.errors);
}

Task<void> TaskGroup::Join() {
  std::vector<std::exception_ptr> errors = co_await JoinCollect();
  if (!errors.empty()) std::rethrow_exception(errors.front());
}

}  // namespace sim
