// The modelled Python exception hierarchy: what `except` clauses catch, and
// how an exception is described (type, MRO, message).
#include "models/asgi/py_exceptions.h"

#include <exception>

#include "gtest/gtest.h"
#include "sim/task.h"

namespace models {
namespace {

TEST(PyExceptions, ExceptOSErrorCatchesClientDisconnectedButNotLibraryLeaks) {
  auto caught_as_oserror = [](auto raise) {
    try {
      raise();
    } catch (const py::OSError&) {
      return true;
    } catch (const py::BaseException&) {
      return false;
    }
    return false;
  };
  EXPECT_TRUE(caught_as_oserror([] { throw py::ClientDisconnected(); }));
  EXPECT_FALSE(caught_as_oserror([] { throw py::ConnectionClosedOK("x"); }));
  EXPECT_FALSE(caught_as_oserror([] { throw py::LocalProtocolError("x"); }));
  EXPECT_FALSE(caught_as_oserror([] { throw py::Disconnected("x"); }));
}

TEST(PyExceptions, ExceptExceptionDoesNotCatchCancellation) {
  bool caught = false;
  try {
    try {
      throw sim::Cancelled();
    } catch (const py::Exception&) {
      caught = true;
    }
  } catch (const sim::Cancelled&) {
  }
  EXPECT_FALSE(caught);
}

TEST(PyExceptions, DescribeGivesTypeMroAndMessage) {
  py::ExceptionInfo i =
      py::Describe(std::make_exception_ptr(py::ConnectionClosedError("gone")));
  EXPECT_STREQ(i.type, "ConnectionClosedError");
  EXPECT_EQ(py::MroString(i.mro),
            "ConnectionClosedError > ConnectionClosed > WebSocketException > "
            "Exception > "
            "BaseException");
  EXPECT_EQ(i.message, "gone");
  EXPECT_TRUE(i.IsA("WebSocketException"));
  py::ExceptionInfo c = py::Describe(std::make_exception_ptr(sim::Cancelled()));
  EXPECT_STREQ(c.type, "CancelledError");
  EXPECT_FALSE(c.IsA("Exception"));
  py::ExceptionInfo g = py::Describe(std::make_exception_ptr(py::ExceptionGroup(
      "errors", {std::make_exception_ptr(py::ClientDisconnected())})));
  EXPECT_STREQ(g.type, "ExceptionGroup");
  EXPECT_TRUE(g.IsA("Exception"));
  EXPECT_FALSE(g.IsA("OSError"));
}

}  // namespace
}  // namespace models
