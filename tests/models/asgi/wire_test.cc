// The segment tag encoding: every field of a wire::Unit survives Encode then
// Decode, alone and together, at the ends of its range. The code is stored
// as code + 1 in 16 bits, so its range is [-1, 65534] (-1, kNoCode: none).
#include "models/asgi/wire.h"

#include <cstdint>
#include <limits>
#include <ostream>

#include "gtest/gtest.h"
#include "models/asgi/asgi.h"

namespace models::wire {
namespace {

constexpr Frame kAllFrames[] = {
    Frame::kNone,     Frame::kReqHead,   Frame::kReqBody,  Frame::kRespHead,
    Frame::kRespBody, Frame::kWsUpgrade, Frame::kWsAccept, Frame::kWsReject,
    Frame::kWsData,   Frame::kWsClose,
};

constexpr uint32_t kMaxSeq = std::numeric_limits<uint32_t>::max();

::testing::AssertionResult RoundTrips(const Unit& u) {
  const uint64_t tag = Encode(u);
  const Unit d = Decode(tag);
  if (d.frame == u.frame && d.code == u.code && d.seq == u.seq &&
      d.last == u.last) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "frame " << static_cast<int>(u.frame) << " code " << u.code
         << " seq " << u.seq << " last " << u.last << " -> tag 0x" << std::hex
         << tag << std::dec << " -> frame " << static_cast<int>(d.frame)
         << " code " << d.code << " seq " << d.seq << " last " << d.last;
}

TEST(Wire, NoCodeAndTheLargestCodeSurvive) {
  EXPECT_EQ(kNoCode, -1);
  EXPECT_TRUE(RoundTrips({.frame = Frame::kWsClose, .code = kNoCode}));
  EXPECT_TRUE(RoundTrips({.frame = Frame::kWsClose, .code = 65534}));
  EXPECT_TRUE(RoundTrips({.frame = Frame::kRespHead,
                          .code = 65534,
                          .seq = kMaxSeq,
                          .last = true}));
  EXPECT_TRUE(RoundTrips(
      {.frame = Frame::kRespHead, .code = -1, .seq = kMaxSeq, .last = true}));
}

TEST(Wire, OrdinaryStatusAndCloseCodesSurvive) {
  for (int32_t code : {0, 1, 101, 200, 403, 500, 1000, 1001, 1005, 1006, 1011,
                       3000, 4999, 32767, 32768, 65533}) {
    EXPECT_TRUE(RoundTrips({.frame = Frame::kWsClose, .code = code}));
    EXPECT_TRUE(RoundTrips({.frame = Frame::kRespHead, .code = code}));
  }
}

TEST(Wire, EveryFrameSurvives) {
  for (Frame f : kAllFrames) {
    EXPECT_TRUE(RoundTrips({.frame = f}));
    EXPECT_TRUE(RoundTrips({.frame = f, .code = 1000, .seq = 7, .last = true}));
  }
}

TEST(Wire, SeqSurvivesOverItsWholeRange) {
  for (uint32_t seq : {0u, 1u, 3u, 255u, 256u, 65535u, 65536u, 0x00ffffffu,
                       0x01000000u, 0x7fffffffu, 0x80000000u, kMaxSeq}) {
    EXPECT_TRUE(RoundTrips({.frame = Frame::kRespBody, .seq = seq}));
    EXPECT_TRUE(
        RoundTrips({.frame = Frame::kWsData, .seq = seq, .last = true}));
  }
}

TEST(Wire, LastSurvivesBothWays) {
  EXPECT_TRUE(RoundTrips({.frame = Frame::kReqBody, .last = false}));
  EXPECT_TRUE(RoundTrips({.frame = Frame::kReqBody, .last = true}));
  EXPECT_TRUE(Decode(Encode({.frame = Frame::kReqHead, .last = true})).last);
  EXPECT_FALSE(Decode(Encode({.frame = Frame::kReqHead, .last = false})).last);
}

// The fields occupy separate bits: every field at its extreme, in every
// combination with the others at theirs, decodes unchanged.
TEST(Wire, FieldsDoNotOverlap) {
  for (Frame f : {Frame::kNone, Frame::kWsClose}) {
    for (int32_t code : {-1, 0, 65534}) {
      for (uint32_t seq : {0u, kMaxSeq}) {
        for (bool last : {false, true}) {
          EXPECT_TRUE(
              RoundTrips({.frame = f, .code = code, .seq = seq, .last = last}));
        }
      }
    }
  }
}

// Units that differ get different tags.
TEST(Wire, DistinctUnitsGetDistinctTags) {
  const Unit base{.frame = Frame::kRespBody, .code = 200, .seq = 5};
  const uint64_t tag = Encode(base);
  Unit u = base;
  u.frame = Frame::kReqBody;
  EXPECT_NE(Encode(u), tag);
  u = base;
  u.code = 201;
  EXPECT_NE(Encode(u), tag);
  u = base;
  u.seq = 6;
  EXPECT_NE(Encode(u), tag);
  u = base;
  u.last = true;
  EXPECT_NE(Encode(u), tag);
}

// A default Unit (no frame, code -1 = none) encodes as tag 0, so an untagged
// segment decodes as no unit.
TEST(Wire, DefaultUnitIsTagZero) {
  EXPECT_EQ(Encode(Unit{}), 0u);
  const Unit d = Decode(0);
  EXPECT_EQ(d.frame, Frame::kNone);
  EXPECT_EQ(d.code, -1);
  EXPECT_EQ(d.seq, 0u);
  EXPECT_FALSE(d.last);
}

}  // namespace
}  // namespace models::wire
