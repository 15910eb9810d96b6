// "Did you mean": the known name nearest to a misspelt one, for error
// messages (scenario files, programs, the command line).
//
//   models::DidYouMean("sned", {"send", "receive"})   // "; did you mean
//   'send'?" models::DidYouMean("xyzzy", {"send", "receive"})  // ""
//
// Thread-safety: pure functions.
#ifndef HANGUP_MODELS_ASGI_SUGGEST_H_
#define HANGUP_MODELS_ASGI_SUGGEST_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace models {

// The number of single-character insertions, deletions, substitutions and
// swaps of adjacent characters that turn `a` into `b` (optimal string
// alignment distance), ASCII case-insensitive.
int EditDistance(absl::string_view a, absl::string_view b);

// The candidate nearest to `word`, when it is near: at most 2 edits, and
// fewer edits than half the longer of the two lengths (so "ab" does not
// suggest "xy"). The first of equally near ones; "" when none is near or
// `word` is itself a candidate.
std::string ClosestName(absl::string_view word,
                        absl::Span<const std::string> candidates);

// "; did you mean 'NAME'?" for the closest name, or "".
std::string DidYouMean(absl::string_view word,
                       absl::Span<const std::string> candidates);

}  // namespace models

#endif  // HANGUP_MODELS_ASGI_SUGGEST_H_
