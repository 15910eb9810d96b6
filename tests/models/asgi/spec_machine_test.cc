// The ASGI spec's state machines for HTTP and WebSocket message sequences.
#include "models/asgi/spec_machine.h"

#include "gtest/gtest.h"
#include "models/asgi/asgi.h"

namespace models {
namespace {

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

}  // namespace
}  // namespace models
