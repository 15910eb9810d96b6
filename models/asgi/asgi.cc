#include "models/asgi/asgi.h"

#include "absl/strings/str_cat.h"

namespace models {

absl::string_view ProtocolName(Protocol protocol) {
  return protocol == Protocol::kHttp ? "http" : "websocket";
}

absl::string_view MessageTypeName(MessageType type) {
  switch (type) {
    case MessageType::kHttpRequest:
      return "http.request";
    case MessageType::kHttpDisconnect:
      return "http.disconnect";
    case MessageType::kWsConnect:
      return "websocket.connect";
    case MessageType::kWsReceive:
      return "websocket.receive";
    case MessageType::kWsDisconnect:
      return "websocket.disconnect";
    case MessageType::kHttpResponseStart:
      return "http.response.start";
    case MessageType::kHttpResponseBody:
      return "http.response.body";
    case MessageType::kWsAccept:
      return "websocket.accept";
    case MessageType::kWsSend:
      return "websocket.send";
    case MessageType::kWsClose:
      return "websocket.close";
    case MessageType::kBogus:
      return "http.bogus";
  }
  return "?";
}

std::string Message::ToString() const {
  std::string out(MessageTypeName(type));
  switch (type) {
    case MessageType::kHttpRequest:
    case MessageType::kHttpResponseBody:
      absl::StrAppend(&out, " seq=", seq,
                      more_body ? " more_body=True" : " more_body=False");
      break;
    case MessageType::kHttpResponseStart:
      absl::StrAppend(&out, " status=", status);
      break;
    case MessageType::kWsSend:
    case MessageType::kWsReceive:
      absl::StrAppend(&out, " seq=", seq);
      break;
    case MessageType::kWsClose:
    case MessageType::kWsDisconnect:
      if (code == kNoCode) {
        absl::StrAppend(&out, " (no code)");
      } else {
        absl::StrAppend(&out, " code=", code);
      }
      break;
    default:
      break;
  }
  return out;
}

std::string SpecVersionName(int spec_version) {
  if (spec_version == 0) return "absent";
  return absl::StrCat(spec_version / 10, ".", spec_version % 10);
}

std::string Scope::SpecVersionString() const {
  return spec_version == 0 ? "absent (2.0)" : SpecVersionName(spec_version);
}

}  // namespace models
