// Invariant checks and status helpers for the simulation kernel.
//
// SIM_CHECK guards broken invariants (programmer errors), not modelled faults:
// a failed check prints the condition, the location and the streamed message to
// stderr and aborts the process. Modelled failures travel as absl::Status.
// abseil 20220623 has no status macros, so SIM_RETURN_IF_ERROR is defined here.
//
//   SIM_CHECK(n > 0) << "Choose needs options, got n=" << n;
//   SIM_RETURN_IF_ERROR(options.Validate());
//
// Thread-safety: stateless; safe from any thread.
#ifndef HANGUP_SIM_CHECK_H_
#define HANGUP_SIM_CHECK_H_

#include <sstream>

namespace sim::internal {

// Collects the message of a failed check; aborts in its destructor.
// The stream lives on the heap so that a SIM_CHECK costs its caller one
// pointer of stack, not an ostringstream: checks sit on hot paths.
class CheckFailure {
 public:
  [[gnu::cold, gnu::noinline]] CheckFailure(const char* condition,
                                            const char* file, int line);
  [[gnu::cold, gnu::noinline]] ~CheckFailure();  // Prints and aborts.
  CheckFailure(const CheckFailure&) = delete;
  CheckFailure& operator=(const CheckFailure&) = delete;

  template <typename T>
  CheckFailure& operator<<(const T& value) {
    *stream_ << value;
    return *this;
  }

 private:
  std::ostringstream* stream_;
};

// Lets `cond ? (void)0 : Voidify() & CheckFailure(...) << msg` type-check.
struct Voidify {
  void operator&(const CheckFailure&) {}
};

}  // namespace sim::internal

#define SIM_CHECK(cond)              \
  __builtin_expect(!!(cond), 1)      \
      ? (void)0                      \
      : ::sim::internal::Voidify() & \
            ::sim::internal::CheckFailure(#cond, __FILE__, __LINE__)

#define SIM_RETURN_IF_ERROR(expr)              \
  do {                                         \
    ::absl::Status sim_status_ = (expr);       \
    if (!sim_status_.ok()) return sim_status_; \
  } while (0)

#endif  // HANGUP_SIM_CHECK_H_
