// Finding signatures built from what a run said in words: an exception's
// type and message, a log line's text. A signature (with the property and
// the scenario) de-duplicates findings, so it keeps distinct causes apart
// (Starlette's RuntimeError("No response returned.") is not uvloop's
// closed-transport RuntimeError) and stays the same for one cause across
// tapes: numbers and addresses in the text are normalised.
//
//   check::NormaliseText("<Task 0x7f3a9c> took  12.5 s");
//       // "<Task 0xN> took N.N s"
//   check::ExceptionSignature(s.error);
//       // "RuntimeError: No response returned."
//   check::LogSignature("Exception in ASGI application: RuntimeError(No "
//                       "response returned.)");  // the same
//
// Deterministic: a pure function of the text. Thread-safety: pure functions.
#ifndef HANGUP_CHECK_SIGNATURE_H_
#define HANGUP_CHECK_SIGNATURE_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"
#include "models/asgi/py_exceptions.h"

namespace check {

// The longest normalised text a signature keeps, in bytes, before "...".
inline constexpr size_t kSignatureTextMax = 96;

// `text` with "0x" and hex digits as "0xN", every other run of decimal
// digits that does not continue a word (h11, Http2 keep theirs) as "N",
// whitespace runs as one space, trimmed, and cut after at most
// kSignatureTextMax bytes (at a space when there is one in the last third,
// never inside a UTF-8 character) with "..." appended.
std::string NormaliseText(absl::string_view text);

// "Type: message" with the message normalised, "Type" when the message is
// empty, "" when `error` is no exception (its type is "").
std::string ExceptionSignature(const py::ExceptionInfo& error);

// A log line's signature. A logged exception, "HEAD: Type(message)" or
// "HEAD: Type" with Type a modelled class (py::TypeNames()), as the server
// models log the app's exception, gives ExceptionSignature's "Type: message"
// (HEAD is the preset's fixed text); any other line, its text normalised.
std::string LogSignature(absl::string_view text);

}  // namespace check

#endif  // HANGUP_CHECK_SIGNATURE_H_
