#include "sim/time.h"

#include "gtest/gtest.h"

namespace sim {
namespace {

TEST(Duration, ToStringPicksTheLargestExactUnit) {
  EXPECT_EQ(Duration().ToString(), "0s");
  EXPECT_EQ(Seconds(10).ToString(), "10s");
  EXPECT_EQ(Millis(250).ToString(), "250ms");
  EXPECT_EQ(Micros(50).ToString(), "50us");
  EXPECT_EQ(Nanos(1500).ToString(), "1500ns");
  EXPECT_EQ((Seconds(0) - Micros(50)).ToString(), "-50us");
}

TEST(Duration, ToStringGivesExactFractionalMilliseconds) {
  EXPECT_EQ((Millis(1299) + Micros(950)).ToString(), "1299.95ms");
  EXPECT_EQ((Millis(1) + Nanos(1)).ToString(), "1.000001ms");
  EXPECT_EQ((Seconds(1) + Micros(50)).ToString(), "1000.05ms");
  EXPECT_EQ((Duration() - Millis(1) - Micros(500)).ToString(), "-1.5ms");
}

TEST(Time, ToStringHasMicrosecondPrecision) {
  EXPECT_EQ((Time() + Millis(100) + Micros(50)).ToString(), "0.100050s");
  EXPECT_EQ((Time() + Seconds(12)).ToString(), "12.000000s");
}

}  // namespace
}  // namespace sim
