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

TEST(PyExceptions, AClassDefinedAtRunTimeIsCaughtAsItsBaseAndNamedAsItself) {
  absl::StatusOr<py::ClassRef> gone = py::Class::Find("Gone(OSError)");
  ASSERT_TRUE(gone.ok()) << gone.status();
  bool caught_as_oserror = false;
  py::ExceptionInfo info;
  try {
    py::Class::Raise(*gone, "bye");
  } catch (const py::OSError&) {
    caught_as_oserror = true;
    info = py::Describe(std::current_exception());
  }
  gone->reset();  // the info keeps the class alive
  EXPECT_TRUE(caught_as_oserror);
  EXPECT_STREQ(info.type, "Gone");
  EXPECT_EQ(py::MroString(info.mro),
            "Gone > OSError > Exception > BaseException");
  EXPECT_EQ(info.message, "bye");
  // A modelled class, with or without its base, is that class.
  absl::StatusOr<py::ClassRef> cd =
      py::Class::Find("ClientDisconnected(OSError)");
  ASSERT_TRUE(cd.ok());
  EXPECT_EQ((*cd)->spec(), "ClientDisconnected");
  EXPECT_THROW(py::Class::Raise(*cd, ""), py::ClientDisconnected);
  for (const char* bad : {"Gone", "Gone(Nope)", "RuntimeError(OSError)",
                          "1x(OSError)", "Gone(OSError"}) {
    EXPECT_FALSE(py::Class::Find(bad).ok()) << bad;
  }
}

TEST(PyExceptions, AnErrorSpecFillsTheMessageTypeIntoItsText) {
  absl::StatusOr<py::ErrorSpec> e =
      py::ErrorSpec::Parse("RuntimeError: Unexpected ASGI message '%s' sent");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->ToString(), "RuntimeError: Unexpected ASGI message '%s' sent");
  try {
    e->Raise("http.response.body");
    FAIL();
  } catch (const py::RuntimeError& r) {
    EXPECT_EQ(r.message(), "Unexpected ASGI message 'http.response.body' sent");
  }
}

}  // namespace
}  // namespace models
