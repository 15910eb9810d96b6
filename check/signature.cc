#include "check/signature.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace check {
namespace {

bool IsWordChar(char c) { return absl::ascii_isalnum(c) || c == '_'; }

// Where to cut `s` (longer than kSignatureTextMax): at the last space in
// the last third of the allowance, else at the allowance, backed off to the
// start of a UTF-8 character.
size_t CutAt(const std::string& s) {
  size_t cut = kSignatureTextMax;
  const size_t space = s.rfind(' ', cut);
  if (space != std::string::npos && space >= cut * 2 / 3) return space;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return cut;
}

// The modelled class named by `name`, or nullptr.
const char* KnownType(absl::string_view name) {
  for (const char* t : py::TypeNames()) {
    if (name == t) return t;
  }
  return nullptr;
}

}  // namespace

std::string NormaliseText(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    const bool starts_number =
        absl::ascii_isdigit(c) && (i == 0 || !IsWordChar(text[i - 1]));
    if (starts_number && c == '0' && i + 2 < text.size() &&
        (text[i + 1] == 'x' || text[i + 1] == 'X') &&
        absl::ascii_isxdigit(text[i + 2])) {
      i += 2;
      while (i < text.size() && absl::ascii_isxdigit(text[i])) ++i;
      out += "0xN";
    } else if (starts_number) {
      while (i < text.size() && absl::ascii_isdigit(text[i])) ++i;
      out += 'N';
    } else if (absl::ascii_isspace(c)) {
      while (i < text.size() && absl::ascii_isspace(text[i])) ++i;
      if (!out.empty() && i < text.size()) out += ' ';
    } else {
      out += c;
      ++i;
    }
  }
  if (out.size() > kSignatureTextMax) {
    out.resize(CutAt(out));
    out += "...";
  }
  return out;
}

std::string ExceptionSignature(const py::ExceptionInfo& error) {
  const std::string message = NormaliseText(error.message);
  if (message.empty()) return error.type;
  return absl::StrCat(error.type, ": ", message);
}

std::string LogSignature(absl::string_view text) {
  const size_t colon = text.find(": ");
  if (colon != absl::string_view::npos) {
    absl::string_view rest = text.substr(colon + 2);
    absl::string_view message;
    const size_t paren = rest.find('(');
    if (paren != absl::string_view::npos && absl::EndsWith(rest, ")")) {
      message = rest.substr(paren + 1, rest.size() - paren - 2);
      rest = rest.substr(0, paren);
    }
    py::ExceptionInfo logged;
    if (const char* type = KnownType(rest)) {
      logged.type = type;
      logged.message = std::string(message);
      return ExceptionSignature(logged);
    }
  }
  return NormaliseText(text);
}

}  // namespace check
