// Structured concurrency: a TaskGroup spawns children and waits for all of
// them; the first child failure cancels the others (asyncio.TaskGroup, anyio
// task groups).
//
// Join() waits for every child. If the joining task is cancelled meanwhile,
// the children are cancelled, the join keeps waiting for them, then rethrows
// Cancelled. Failures are the children's exceptions other than Cancelled, in
// the order they happened; JoinCollect returns them (models wrap them in a
// Python ExceptionGroup), Join rethrows the first.
//
//   sim::TaskGroup group(executor);
//   group.Spawn(Producer(q), "producer");
//   group.Spawn(Consumer(q), "consumer");
//   co_await group.Join();
//
// REQUIRES: the parent awaits Join or JoinCollect before the group is
// destroyed; otherwise the destructor cancels the children and detaches them.
// Thread-safety: one executor's thread.
#ifndef HANGUP_SIM_TASK_GROUP_H_
#define HANGUP_SIM_TASK_GROUP_H_

#include <exception>
#include <vector>

#include "absl/strings/string_view.h"
#include "sim/executor.h"
#include "sim/sync.h"
#include "sim/task.h"

namespace sim {

class TaskGroup {
 public:
  explicit TaskGroup(Executor& executor);
  ~TaskGroup();
  TaskGroup(const TaskGroup&) = delete;
  TaskGroup& operator=(const TaskGroup&) = delete;

  void Spawn(Task<void> child, absl::string_view name);
  // Cancels every child still running (anyio's cancel_scope.cancel()).
  void CancelAll();
  bool failed() const { return !state_.errors.empty(); }

  Task<std::vector<std::exception_ptr>> JoinCollect();
  Task<void> Join();

 private:
  struct State {
    explicit State(Executor& e) : executor(&e) {}
    Executor* executor;
    std::vector<TaskState*> children;
    int running = 0;
    std::vector<std::exception_ptr> errors;
    Event all_done;
  };
  // The children's done callback: counts them down, collects failures, and
  // cancels the others on the first.
  static void OnChildDone(TaskState* child, void* state);
  static void CancelChildren(State& state, const TaskState* except = nullptr);

  State state_;  // the children's callbacks point here
  bool joined_ = false;
};

}  // namespace sim

#endif  // HANGUP_SIM_TASK_GROUP_H_
