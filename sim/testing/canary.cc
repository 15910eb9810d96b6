#include "sim/testing/canary.h"

#include "sim/executor.h"

namespace sim::testing {
namespace {

constexpr sim::EventType kEvWrite{100, "write"};
constexpr sim::EventType kEvCheck{101, "check"};

}  // namespace

void CanaryProgram::Start(sim::Executor& executor) {
  record_ = Record::kEmpty;
  torn_read_ = false;
  executor_ = &executor;
  executor.Spawn(Writer(this), "writer");
  executor.Spawn(Reader(this), "reader");
}

std::string CanaryProgram::Check(sim::Executor&, const sim::RunResult&) {
  return torn_read_ ? "torn-read: reader saw a half-written record" : "";
}

sim::Task<void> CanaryProgram::Writer(CanaryProgram* self) {
  for (int step = 0; step < self->options_.steps_per_task; ++step) {
    if (step == self->options_.writer_first_part) {
      self->record_ = Record::kHalf;
      self->executor_->Record(kEvWrite, 1, 0, [] { return "first half"; });
    }
    if (step == self->options_.writer_second_part) {
      self->record_ = Record::kWhole;
      self->executor_->Record(kEvWrite, 2, 0, [] { return "second half"; });
    }
    co_await sim::Yield();
  }
}

sim::Task<void> CanaryProgram::Reader(CanaryProgram* self) {
  for (int step = 0; step < self->options_.steps_per_task; ++step) {
    if (step == self->options_.reader_check) {
      const bool torn = self->record_ == Record::kHalf;
      self->torn_read_ = torn;
      self->executor_->Record(kEvCheck, torn, 0, [torn] {
        return torn ? "record is half-written: torn read" : "record is whole";
      });
    }
    co_await sim::Yield();
  }
}

}  // namespace sim::testing
