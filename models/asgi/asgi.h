// ASGI messages and scopes for HTTP and WebSocket, as small value types.
//
// A message carries what the models and observers need (its type, more_body,
// status, close code and a size), not real bodies. A close code of
// kNoCode means the `code` key is absent (uvicorn 0.17.6 wsproto on RST).
//
//   models::Message m = models::Message::Body(/*seq=*/3, /*more_body=*/true);
//   absl::string_view t = models::MessageTypeName(m.type);
//   // t == "http.response.body", m.IsDisconnect() == false
//   models::Scope s{.protocol = models::Protocol::kHttp, .spec_version = 23};
//   std::string v = models::SpecVersionName(s.spec_version);  // "2.3"
//
// Thread-safety: values.
#ifndef HANGUP_MODELS_ASGI_ASGI_H_
#define HANGUP_MODELS_ASGI_ASGI_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace models {

enum class Protocol : uint8_t { kHttp, kWebSocket };
absl::string_view ProtocolName(Protocol protocol);  // "http", "websocket"

enum class MessageType : uint8_t {
  // server -> app (receive)
  kHttpRequest,
  kHttpDisconnect,
  kWsConnect,
  kWsReceive,
  kWsDisconnect,
  // app -> server (send)
  kHttpResponseStart,
  kHttpResponseBody,
  kWsAccept,
  kWsSend,
  kWsClose,
  // an unknown "type" (for invalid-message tests)
  kBogus,
};
absl::string_view MessageTypeName(MessageType type);

inline constexpr int32_t kNoCode = -1;

struct Message {
  MessageType type = MessageType::kBogus;
  bool more_body = false;  // http.request, http.response.body
  int32_t status = 0;      // http.response.start
  int32_t code = kNoCode;  // websocket.close / websocket.disconnect
  uint32_t bytes = 0;      // body or message size
  uint32_t seq = 0;        // the app's numbering of its chunks and messages

  static Message Start(int32_t status = 200) {
    return {MessageType::kHttpResponseStart, false, status, kNoCode, 0, 0};
  }
  static Message Body(uint32_t seq, bool more_body, uint32_t bytes = 64) {
    return {MessageType::kHttpResponseBody, more_body, 0, kNoCode, bytes, seq};
  }
  static Message Accept() { return {MessageType::kWsAccept}; }
  static Message WsSend(uint32_t seq, uint32_t bytes = 32) {
    return {MessageType::kWsSend, false, 0, kNoCode, bytes, seq};
  }
  static Message WsClose(int32_t code = 1000) {
    return {MessageType::kWsClose, false, 0, code, 0, 0};
  }
  static Message Of(MessageType type) { return {type}; }

  // http.disconnect or websocket.disconnect.
  bool IsDisconnect() const {
    return type == MessageType::kHttpDisconnect ||
           type == MessageType::kWsDisconnect;
  }

  // "http.response.body seq=3 more_body=True".
  std::string ToString() const;
};

// "2.3" for a spec version times ten (23), "absent" for 0.
std::string SpecVersionName(int spec_version);

// The spec version a server advertises in scope["asgi"]["spec_version"],
// times ten (21, 23, 24, 25); 0 when absent, which the spec reads as 2.0.
struct Scope {
  Protocol protocol = Protocol::kHttp;
  int spec_version = 0;

  int EffectiveSpecVersion() const {
    return spec_version == 0 ? 20 : spec_version;
  }
  std::string SpecVersionString() const;  // "2.3", or "absent (2.0)"
};

}  // namespace models

#endif  // HANGUP_MODELS_ASGI_ASGI_H_
