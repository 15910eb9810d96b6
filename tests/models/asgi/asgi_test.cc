// ASGI messages and scopes: how they print and which spec version applies.
#include "models/asgi/asgi.h"

#include "gtest/gtest.h"

namespace models {
namespace {

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
