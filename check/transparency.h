// middleware-transparency: the one property that runs scenarios of its own.
// It compares a scenario that has middleware with its twin without it, on
// the simplest interleaving (the all-zero tape), over what a pass-through
// middleware must not change: whether the app saw the disconnect, how it
// ended, whether background work finished, whether and when the client got
// the complete response.
//
//   std::optional<check::Violation> v = check::CompareTwins(spec);
//
// Thread-safety: runs two scenarios on the calling thread.
#ifndef HANGUP_CHECK_TRANSPARENCY_H_
#define HANGUP_CHECK_TRANSPARENCY_H_

#include <optional>

#include "check/violation.h"
#include "models/scenario.h"

namespace check {

// The transparency violation of `spec`, or nullopt (also when `spec` has no
// middleware, or a twin does not build).
std::optional<Violation> CompareTwins(const models::ScenarioSpec& spec);

}  // namespace check

#endif  // HANGUP_CHECK_TRANSPARENCY_H_
