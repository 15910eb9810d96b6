// Python exceptions, ASGI messages and the spec's state machines.
#include "gtest/gtest.h"
#include "models/asgi/asgi.h"
#include "models/asgi/py_exceptions.h"
#include "models/asgi/spec_machine.h"
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

TEST(SpecMachine, HttpValidSequence) {
  SpecMachine s(Protocol::kHttp);
  EXPECT_EQ(s.Apply(Message::Start()), SpecVerdict::kValid);
  EXPECT_EQ(s.Apply(Message::Body(0, true)), SpecVerdict::kValid);
  EXPECT_EQ(s.Apply(Message::Body(1, false)), SpecVerdict::kValid);
  EXPECT_TRUE(s.finished());
  EXPECT_EQ(s.Apply(Message::Start()), SpecVerdict::kAfterComplete);
}

TEST(SpecMachine, HttpInvalidSequences) {
  SpecMachine a(Protocol::kHttp);
  EXPECT_EQ(a.Apply(Message::Body(0, false)),
            SpecVerdict::kInvalid);  // body before start
  SpecMachine b(Protocol::kHttp);
  b.Apply(Message::Start());
  EXPECT_EQ(b.Apply(Message::Start()), SpecVerdict::kInvalid);  // second start
  EXPECT_EQ(b.Apply(Message::Of(MessageType::kBogus)), SpecVerdict::kInvalid);
  EXPECT_EQ(b.Apply(Message::WsSend(0)), SpecVerdict::kInvalid);
}

TEST(SpecMachine, WebSocketSequences) {
  SpecMachine s(Protocol::kWebSocket);
  EXPECT_EQ(s.Check(Message::WsSend(0)),
            SpecVerdict::kInvalid);  // before accept
  EXPECT_EQ(s.Apply(Message::Accept()), SpecVerdict::kValid);
  EXPECT_EQ(s.Apply(Message::Accept()), SpecVerdict::kInvalid);
  EXPECT_EQ(s.Apply(Message::WsSend(0)), SpecVerdict::kValid);
  EXPECT_EQ(s.Apply(Message::WsClose(1000)), SpecVerdict::kValid);
  EXPECT_EQ(s.Apply(Message::WsClose(1000)), SpecVerdict::kAfterOwnClose);
  EXPECT_EQ(s.Apply(Message::WsSend(1)), SpecVerdict::kAfterOwnClose);
  SpecMachine reject(Protocol::kWebSocket);
  EXPECT_EQ(reject.Apply(Message::WsClose(1000)), SpecVerdict::kValid);  // 403
}

TEST(Messages, PrintAsThePythonDicts) {
  EXPECT_EQ(Message::Body(3, true).ToString(),
            "http.response.body seq=3 more_body=True");
  Message d = Message::Of(MessageType::kWsDisconnect);
  EXPECT_EQ(d.ToString(), "websocket.disconnect (no code)");
  d.code = 1006;
  EXPECT_EQ(d.ToString(), "websocket.disconnect code=1006");
  EXPECT_EQ((Scope{Protocol::kHttp, 0}).SpecVersionString(), "absent (2.0)");
  EXPECT_EQ((Scope{Protocol::kHttp, 24}).EffectiveSpecVersion(), 24);
}

}  // namespace
}  // namespace models
