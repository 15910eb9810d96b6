// The run's trace: every step, choice and model event, folded into a rolling
// 64-bit hash, and (when recording) kept as events printable as a timeline a
// person reads and as JSON.
//
// The hash covers (time, task, event code, a, b) of every event, never text or
// pointers, so it is the same whether or not events are recorded, and the same
// under gcc and clang. Event types are static constants with a stable code.
//
//   inline constexpr sim::EventType kSend{101, "send"};
//   trace.Add(now, task, kSend, bytes, 0,
//             [&] { return "http.response.body"; });
//   uint64_t h = trace.hash();
//   std::string timeline = trace.Timeline(names);
//
// Thread-safety: one run, one thread.
#ifndef HANGUP_SIM_TRACE_H_
#define HANGUP_SIM_TRACE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "sim/choice.h"
#include "sim/time.h"

namespace sim {

// A kind of trace event. Codes below 100 are the kernel's, 100-109 belong to
// the kernel test programs (sim/testing/), and the models use 110+.
// REQUIRES: instances have static storage duration.
struct EventType {
  uint16_t code;
  const char* name;
};

inline constexpr TaskId kNoTask = 0xffffffffu;

struct TraceEvent {
  Time time;
  TaskId task;
  const EventType* type;
  int64_t a;
  int64_t b;
  std::string detail;
};

// Kernel events, with what their a and b hold.
// clang-format off
inline constexpr EventType kEvSpawn{1, "spawn"};      // a = parent task
inline constexpr EventType kEvStep{2, "step"};        // a = step, b = options<<32|pick
inline constexpr EventType kEvChoice{3, "choice"};    // a = kind*2^32+n, b = value
inline constexpr EventType kEvDone{4, "done"};        // a = 0 ok, 1 failed, 2 cancelled
inline constexpr EventType kEvCancel{5, "cancel"};    // a = task cancelled
inline constexpr EventType kEvClock{6, "clock"};      // a = new time in ns
inline constexpr EventType kEvVerdict{7, "verdict"};  // a = RunVerdict
// clang-format on

class Trace {
 public:
  explicit Trace(bool record) : record_(record) {}

  bool recording() const { return record_; }
  uint64_t hash() const { return hash_; }
  int64_t size() const { return count_; }
  const std::vector<TraceEvent>& events() const { return events_; }

  // Adds an event. `detail` is a callable returning std::string, called only
  // when recording.
  template <typename DetailFn>
  void Add(Time time, TaskId task, const EventType& type, int64_t a, int64_t b,
           DetailFn&& detail) {
    Fold(time, task, type.code, a, b);
    if (record_) events_.push_back({time, task, &type, a, b, detail()});
  }
  void Add(Time time, TaskId task, const EventType& type, int64_t a,
           int64_t b) {
    Fold(time, task, type.code, a, b);
    if (record_) events_.push_back({time, task, &type, a, b, {}});
  }

  // A scheduling step: one word folded (time is folded by clock events, and
  // the step number by the hash chain itself).
  void AddStep(Time time, TaskId task, int64_t step, int64_t choice) {
    const uint64_t w = static_cast<uint64_t>(choice) * kK2 + task;
    hash_ = (Rotl5(hash_) ^ w) * kK1;
    ++count_;
    if (record_) events_.push_back({time, task, &kEvStep, step, choice, {}});
  }

  // "  0.010000s  #2 client      step  ..." one line per event. `task_names`
  // is indexed by TaskId; kernel step events are left out unless `steps`.
  std::string Timeline(absl::Span<const absl::string_view> task_names,
                       bool steps = false) const;
  // {"hash": "...", "events": [{"t_ns":..,"task":..,"type":..,...}]}
  std::string ToJson(absl::Span<const absl::string_view> task_names) const;

 private:
  // Two words an event, each folded FxHash-style (rotate, xor, multiply);
  // the words are computed off the hash's dependency chain.
  void Fold(Time time, TaskId task, uint16_t code, int64_t a, int64_t b) {
    const uint64_t w0 = static_cast<uint64_t>(time.nanos()) * kK1 +
                        ((static_cast<uint64_t>(task) << 16) | code);
    const uint64_t w1 =
        static_cast<uint64_t>(a) * kK2 + static_cast<uint64_t>(b);
    uint64_t h = hash_;
    h = (Rotl5(h) ^ w0) * kK1;
    h = (Rotl5(h) ^ w1) * kK1;
    hash_ = h;
    ++count_;
  }
  static constexpr uint64_t kK1 = 0x9e3779b97f4a7c15ULL;
  static constexpr uint64_t kK2 = 0xc2b2ae3d27d4eb4fULL;
  static uint64_t Rotl5(uint64_t x) { return (x << 5) | (x >> 59); }

  bool record_;
  uint64_t hash_ = 0x6a09e667f3bcc909ULL;
  int64_t count_ = 0;
  std::vector<TraceEvent> events_;
};

// "0x" + 16 hex digits.
std::string HashToString(uint64_t hash);

}  // namespace sim

#endif  // HANGUP_SIM_TRACE_H_
