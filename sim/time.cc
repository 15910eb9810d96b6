#include "sim/time.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace sim {

std::string Duration::ToString() const {
  const int64_t n = nanos_;
  if (n == 0) return "0s";
  if (n % 1000'000'000 == 0) return absl::StrCat(n / 1000'000'000, "s");
  if (n % 1000'000 == 0) return absl::StrCat(n / 1000'000, "ms");
  if (n < 1000'000 && n > -1000'000) {
    if (n % 1000 == 0) return absl::StrCat(n / 1000, "us");
    return absl::StrCat(n, "ns");
  }
  // Exact milliseconds with up to six decimals: "1299.95ms".
  std::string frac = absl::StrFormat("%06d", (n < 0 ? -n : n) % 1000'000);
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  return absl::StrCat(n / 1000'000, ".", frac, "ms");
}

std::string Time::ToString() const {
  const int64_t micros = nanos_ / 1000;
  return absl::StrFormat("%d.%06ds", micros / 1000'000, micros % 1000'000);
}

}  // namespace sim
