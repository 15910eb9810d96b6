#include "sim/tape_source.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace sim {

uint32_t TapeSource::Choose(ChoiceKind, uint32_t n) {
  const int width = TapeWidth(n);
  if (pos_ + width > tape_.size()) {
    pos_ = tape_.size();
    ++overruns_;
    return 0;
  }
  uint32_t raw = 0;
  for (int i = 0; i < width; ++i) raw = (raw << 8) | tape_[pos_++];
  return raw % n;
}

std::string TapeToHex(absl::Span<const uint8_t> tape) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(tape.size() * 2);
  for (uint8_t b : tape) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

absl::StatusOr<std::vector<uint8_t>> TapeFromHex(absl::string_view hex) {
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (hex.size() % 2 != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("tape hex has odd length ", hex.size(),
                     " (expected two digits a byte)"));
  }
  std::vector<uint8_t> tape;
  tape.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = digit(hex[i]);
    const int lo = digit(hex[i + 1]);
    if (hi < 0 || lo < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("tape hex has a non-hex character at position ",
                       hi < 0 ? i : i + 1, " (expected 0-9 or a-f)"));
    }
    tape.push_back(static_cast<uint8_t>(hi * 16 + lo));
  }
  return tape;
}

}  // namespace sim
