// Virtual time for the simulation: sim::Time (an instant) and sim::Duration.
//
// Both are int64 nanoseconds. Time starts at zero for every run and moves only
// when the executor's clock jumps to the next timer. No wall clock is ever
// read.
//
//   sim::Duration d = sim::Millis(250);
//   sim::Time deadline = executor.Now() + d;
//   if (executor.Now() >= deadline) ...
//   std::string s = d.ToString();  // "250ms"
//
// Thread-safety: value types; no shared state.
#ifndef HANGUP_SIM_TIME_H_
#define HANGUP_SIM_TIME_H_

#include <compare>
#include <cstdint>
#include <string>

namespace sim {

class Duration {
 public:
  constexpr Duration() = default;
  static constexpr Duration FromNanos(int64_t nanos) { return Duration(nanos); }

  constexpr int64_t nanos() const { return nanos_; }
  constexpr bool IsZero() const { return nanos_ == 0; }

  constexpr Duration operator+(Duration o) const {
    return Duration(nanos_ + o.nanos_);
  }
  constexpr Duration operator-(Duration o) const {
    return Duration(nanos_ - o.nanos_);
  }
  constexpr Duration operator*(int64_t k) const { return Duration(nanos_ * k); }
  constexpr Duration& operator+=(Duration o) {
    nanos_ += o.nanos_;
    return *this;
  }
  constexpr auto operator<=>(const Duration&) const = default;

  // Shortest exact rendering: "0s", "15ns", "2us", "250ms", "1500ms",
  // "1299.95ms" (fractional milliseconds above 1 ms).
  std::string ToString() const;

 private:
  constexpr explicit Duration(int64_t nanos) : nanos_(nanos) {}
  int64_t nanos_ = 0;
};

constexpr Duration Nanos(int64_t n) { return Duration::FromNanos(n); }
constexpr Duration Micros(int64_t n) { return Duration::FromNanos(n * 1000); }
constexpr Duration Millis(int64_t n) {
  return Duration::FromNanos(n * 1000'000);
}
constexpr Duration Seconds(int64_t n) {
  return Duration::FromNanos(n * 1000'000'000);
}

class Time {
 public:
  constexpr Time() = default;
  static constexpr Time FromNanos(int64_t nanos) { return Time(nanos); }
  // The largest representable instant; "never".
  static constexpr Time Infinite() { return Time(INT64_MAX); }

  constexpr int64_t nanos() const { return nanos_; }
  constexpr Time operator+(Duration d) const {
    return Time(nanos_ + d.nanos());
  }
  constexpr Duration operator-(Time o) const {
    return Duration::FromNanos(nanos_ - o.nanos_);
  }
  constexpr auto operator<=>(const Time&) const = default;

  // Seconds since the run started, fixed six decimals: "1.250000s".
  std::string ToString() const;

 private:
  constexpr explicit Time(int64_t nanos) : nanos_(nanos) {}
  int64_t nanos_ = 0;
};

}  // namespace sim

#endif  // HANGUP_SIM_TIME_H_
