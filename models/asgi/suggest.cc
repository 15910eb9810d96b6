#include "models/asgi/suggest.h"

#include <algorithm>
#include <cstddef>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace models {

int EditDistance(absl::string_view a, absl::string_view b) {
  const size_t n = a.size();
  const size_t m = b.size();
  // Three rows of the dynamic programme: i - 2, i - 1 and i.
  std::vector<int> two(m + 1), one(m + 1), row(m + 1);
  for (size_t j = 0; j <= m; ++j) one[j] = static_cast<int>(j);
  for (size_t i = 1; i <= n; ++i) {
    row[0] = static_cast<int>(i);
    for (size_t j = 1; j <= m; ++j) {
      const char ai = absl::ascii_tolower(a[i - 1]);
      const char bj = absl::ascii_tolower(b[j - 1]);
      const int cost = ai == bj ? 0 : 1;
      row[j] = std::min({one[j] + 1, row[j - 1] + 1, one[j - 1] + cost});
      if (i > 1 && j > 1 && ai == absl::ascii_tolower(b[j - 2]) &&
          absl::ascii_tolower(a[i - 2]) == bj) {
        row[j] = std::min(row[j], two[j - 2] + 1);
      }
    }
    std::swap(two, one);
    std::swap(one, row);
  }
  return one[m];
}

std::string ClosestName(absl::string_view word,
                        absl::Span<const std::string> candidates) {
  const std::string* best = nullptr;
  int best_distance = 3;  // at most 2 edits
  for (const std::string& c : candidates) {
    if (c == word) return "";
    const int d = EditDistance(word, c);
    const size_t longer = std::max(word.size(), c.size());
    if (d < best_distance && 2 * static_cast<size_t>(d) < longer) {
      best = &c;
      best_distance = d;
    }
  }
  return best == nullptr ? "" : *best;
}

std::string DidYouMean(absl::string_view word,
                       absl::Span<const std::string> candidates) {
  const std::string closest = ClosestName(word, candidates);
  if (closest.empty()) return "";
  return absl::StrCat("; did you mean '", closest, "'?");
}

}  // namespace models
