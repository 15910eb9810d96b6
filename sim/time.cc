#include "sim/time.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace sim {

std::string Duration::ToString() const {
  const int64_t n = nanos_;
  if (n == 0) return "0s";
  if (n % 1000'000'000 == 0) return absl::StrCat(n / 1000'000'000, "s");
  if (n % 1000'000 == 0) return absl::StrCat(n / 1000'000, "ms");
  if (n % 1000 == 0) return absl::StrCat(n / 1000, "us");
  return absl::StrCat(n, "ns");
}

std::string Time::ToString() const {
  const int64_t micros = nanos_ / 1000;
  return absl::StrFormat("%d.%06ds", micros / 1000'000, micros % 1000'000);
}

}  // namespace sim
