// What travels in a sim::Segment's tag between the client and server models:
// HTTP request and response parts, the WebSocket handshake and frames.
//
//   uint64_t tag = models::wire::Encode({.frame = wire::Frame::kRespBody,
//                                        .seq = 3, .last = false});
//   wire::Unit u = wire::Decode(segment.tag);
//
// Thread-safety: pure functions.
#ifndef HANGUP_MODELS_ASGI_WIRE_H_
#define HANGUP_MODELS_ASGI_WIRE_H_

#include <cstdint>

namespace models::wire {

enum class Frame : uint8_t {
  kNone = 0,
  kReqHead = 1,    // request line and headers (last: no body follows)
  kReqBody = 2,    // request body chunk (last: the final one)
  kRespHead = 3,   // status line and headers (code: the status)
  kRespBody = 4,   // response body chunk (last: the final one)
  kWsUpgrade = 5,  // WebSocket upgrade request
  kWsAccept = 6,   // 101 Switching Protocols
  kWsReject = 7,   // 403 (code: the status)
  kWsData = 8,     // a text or binary message
  kWsClose = 9,    // a close frame (code: its code, or kNoCode)
};

struct Unit {
  Frame frame = Frame::kNone;
  int32_t code = -1;  // status or close code; -1 none
  uint32_t seq = 0;
  bool last = false;
};

inline uint64_t Encode(const Unit& u) {
  return static_cast<uint64_t>(u.frame) |
         (static_cast<uint64_t>(static_cast<uint16_t>(u.code + 1)) << 8) |
         (static_cast<uint64_t>(u.seq) << 24) |
         (static_cast<uint64_t>(u.last) << 56);
}

inline Unit Decode(uint64_t tag) {
  Unit u;
  u.frame = static_cast<Frame>(tag & 0xff);
  u.code = static_cast<int32_t>((tag >> 8) & 0xffff) - 1;
  u.seq = static_cast<uint32_t>((tag >> 24) & 0xffffffff);
  u.last = ((tag >> 56) & 1) != 0;
  return u;
}

}  // namespace models::wire

#endif  // HANGUP_MODELS_ASGI_WIRE_H_
