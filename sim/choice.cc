#include "sim/choice.h"

#include "sim/check.h"

namespace sim {

absl::string_view ChoiceKindName(ChoiceKind kind) {
  switch (kind) {
    case ChoiceKind::kScheduleKeep:
      return "schedule-keep";
    case ChoiceKind::kSchedule:
      return "schedule";
    case ChoiceKind::kDelay:
      return "delay";
    case ChoiceKind::kFault:
      return "fault";
    case ChoiceKind::kPick:
      return "pick";
  }
  return "?";
}

int TapeWidth(uint32_t n) {
  if (n <= 256) return 1;
  if (n <= 65536) return 2;
  return 4;
}

void AppendChoice(std::vector<uint8_t>& tape, uint32_t value, uint32_t n) {
  SIM_CHECK(value < n) << "choice " << value << " out of [0, " << n << ")";
  const int width = TapeWidth(n);
  for (int i = width - 1; i >= 0; --i) {
    tape.push_back(static_cast<uint8_t>(value >> (8 * i)));
  }
}

uint32_t RecordingSource::Choose(ChoiceKind kind, uint32_t n) {
  const uint32_t value = ChoiceSourceWrapper::Choose(kind, n);
  AppendChoice(tape_, value, n);
  ++choices_;
  return value;
}

uint32_t RecordingSource::ChooseTask(ChoiceKind kind,
                                     absl::Span<const TaskId> options) {
  const uint32_t value = ChoiceSourceWrapper::ChooseTask(kind, options);
  AppendChoice(tape_, value, static_cast<uint32_t>(options.size()));
  ++choices_;
  return value;
}

}  // namespace sim
