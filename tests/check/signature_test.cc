// Finding signatures: distinct causes stay apart, numbers and addresses do
// not split one cause.
#include "check/signature.h"

#include <string>

#include "gtest/gtest.h"

namespace check {
namespace {

py::ExceptionInfo Info(const char* type, std::string message) {
  py::ExceptionInfo e;
  e.type = type;
  e.message = std::move(message);
  return e;
}

TEST(Signature, KeepsTwoRuntimeErrorCausesApart) {
  // Starlette's BaseHTTPMiddleware and uvloop's closed transport.
  const std::string starlette =
      ExceptionSignature(Info("RuntimeError", "No response returned."));
  const std::string uvloop = ExceptionSignature(
      Info("RuntimeError",
           "unable to perform operation on <TCPTransport closed=True "
           "reading=False>; the handler is closed"));
  EXPECT_NE(starlette, uvloop);
  EXPECT_EQ(starlette, "RuntimeError: No response returned.");
  EXPECT_EQ(uvloop.rfind("RuntimeError: unable to perform operation", 0), 0u)
      << uvloop;
}

TEST(Signature, NumbersAndAddressesDoNotSplitACause) {
  const py::ExceptionInfo a = Info(
      "ExceptionGroup", "unhandled errors in a TaskGroup (1 sub-exception)");
  const py::ExceptionInfo b = Info(
      "ExceptionGroup", "unhandled errors in a TaskGroup (12 sub-exception)");
  EXPECT_EQ(ExceptionSignature(a), ExceptionSignature(b));
  EXPECT_EQ(NormaliseText("<Task pending 0x7f3a9c> at 0xDEAD"),
            NormaliseText("<Task pending 0x55e1> at 0x1"));
  EXPECT_EQ(NormaliseText("<Task pending 0x7f3a9c> took 12.5 s"),
            "<Task pending 0xN> took N.N s");
  // A different word is a different cause.
  EXPECT_NE(NormaliseText("sent 1000 (OK)"), NormaliseText("sent 1000 (ERR)"));
}

TEST(Signature, ALoggedExceptionIsItsTypeAndMessage) {
  EXPECT_EQ(LogSignature("Exception in ASGI application: RuntimeError(No "
                         "response returned.)"),
            ExceptionSignature(Info("RuntimeError", "No response returned.")));
  EXPECT_NE(
      LogSignature("Exception in ASGI application: RuntimeError(No response "
                   "returned.)"),
      LogSignature("Exception in ASGI application: RuntimeError(unable to "
                   "perform operation on <TCPTransport closed=True "
                   "reading=False>; the handler is closed)"));
  EXPECT_EQ(LogSignature("Exception inside application: Disconnected"),
            "Disconnected");
  EXPECT_EQ(
      LogSignature("Exception in ASGI application: ExceptionGroup(unhandled "
                   "errors in a TaskGroup (1 sub-exception))"),
      "ExceptionGroup: unhandled errors in a TaskGroup (N sub-exception)");
  // Not an exception: the text itself, normalised.
  EXPECT_EQ(LogSignature("ASGI callable returned without starting response."),
            "ASGI callable returned without starting response.");
  EXPECT_EQ(LogSignature("Application instance <Task pending 0x7f01> for "
                         "connection: NotAType(3)"),
            "Application instance <Task pending 0xN> for connection: "
            "NotAType(N)");
}

TEST(Signature, KeepsDigitsThatAreNamesAndSpacesOnce) {
  EXPECT_EQ(NormaliseText("  h11  LocalProtocolError\tin Http2 "),
            "h11 LocalProtocolError in Http2");
  EXPECT_EQ(ExceptionSignature(Info("ClientDisconnected", "")),
            "ClientDisconnected");
  EXPECT_EQ(ExceptionSignature(py::ExceptionInfo{}), "");
}

TEST(Signature, CutsLongTextAtAWordAndNeverInsideACharacter) {
  const std::string words(200, 'w');
  const std::string cut = NormaliseText(words);
  EXPECT_EQ(cut.size(), kSignatureTextMax + 3);
  EXPECT_EQ(cut.substr(cut.size() - 3), "...");
  std::string spaced;
  for (int i = 0; i < 40; ++i) spaced += "word ";
  const std::string at_space = NormaliseText(spaced);
  EXPECT_LE(at_space.size(), kSignatureTextMax + 3);
  EXPECT_EQ(at_space.substr(at_space.size() - 7), "word...");
  // Two-byte characters: the cut lands on a character's first byte.
  std::string accents;
  for (int i = 0; i < 60; ++i) accents += "\xC3\xA9";  // é
  const std::string a = NormaliseText(accents);
  ASSERT_GE(a.size(), 4u);
  EXPECT_NE(static_cast<unsigned char>(a[a.size() - 4]) & 0xC0, 0xC0) << a;
  EXPECT_EQ((a.size() - 3) % 2, 0u);
}

}  // namespace
}  // namespace check
