#include "sim/trace.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "nlohmann/json.hpp"

namespace sim {
namespace {

absl::string_view TaskName(absl::Span<const absl::string_view> names,
                           TaskId task) {
  if (task == kNoTask) return "-";
  if (task < names.size()) return names[task];
  return "?";
}

std::string DefaultDetail(const TraceEvent& e) {
  if (e.type == &kEvStep) {
    if (e.b == 0) return "";
    return absl::StrCat("pick ", e.b & 0xffffffff, " of ", e.b >> 32);
  }
  if (e.type == &kEvChoice) {
    return absl::StrCat(ChoiceKindName(static_cast<ChoiceKind>(e.a >> 32)), " ",
                        e.b, " of ", e.a & 0xffffffff);
  }
  if (e.a == 0 && e.b == 0) return "";
  return absl::StrCat(e.a, " ", e.b);
}

}  // namespace

std::string Trace::Timeline(absl::Span<const absl::string_view> task_names,
                            bool steps) const {
  std::string out;
  for (const TraceEvent& e : events_) {
    if (!steps && (e.type == &kEvStep || e.type == &kEvClock)) continue;
    absl::StrAppendFormat(
        &out, "%12s  #%-3s %-12s %-10s %s\n", e.time.ToString(),
        e.task == kNoTask ? std::string("-") : absl::StrCat(e.task),
        TaskName(task_names, e.task), e.type->name,
        e.detail.empty() ? DefaultDetail(e) : e.detail);
  }
  return out;
}

std::string Trace::ToJson(
    absl::Span<const absl::string_view> task_names) const {
  nlohmann::json events = nlohmann::json::array();
  for (const TraceEvent& e : events_) {
    nlohmann::json j = {{"t_ns", e.time.nanos()},
                        {"type", e.type->name},
                        {"a", e.a},
                        {"b", e.b}};
    if (e.task != kNoTask) {
      j["task"] = e.task;
      j["task_name"] = std::string(TaskName(task_names, e.task));
    }
    j["detail"] = e.detail.empty() ? DefaultDetail(e) : e.detail;
    events.push_back(std::move(j));
  }
  nlohmann::json out = {{"hash", HashToString(hash_)},
                        {"events", std::move(events)}};
  return out.dump();
}

std::string HashToString(uint64_t hash) {
  return absl::StrFormat("0x%016x", hash);
}

}  // namespace sim
