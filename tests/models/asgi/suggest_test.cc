#include "models/asgi/suggest.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace models {
namespace {

TEST(EditDistance, CountsEditsAndAdjacentSwaps) {
  EXPECT_EQ(EditDistance("send", "send"), 0);
  EXPECT_EQ(EditDistance("sned", "send"), 1);   // swap
  EXPECT_EQ(EditDistance("sen", "send"), 1);    // insertion
  EXPECT_EQ(EditDistance("sendd", "send"), 1);  // deletion
  EXPECT_EQ(EditDistance("sand", "send"), 1);   // substitution
  EXPECT_EQ(EditDistance("SEND", "send"), 0);   // case
  EXPECT_EQ(EditDistance("", "send"), 4);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3);
}

TEST(DidYouMean, SuggestsOnlyANearName) {
  const std::vector<std::string> ops = {"send", "receive", "sleep", "set"};
  EXPECT_EQ(DidYouMean("sned", ops), "; did you mean 'send'?");
  EXPECT_EQ(DidYouMean("recieve", ops), "; did you mean 'receive'?");
  EXPECT_EQ(DidYouMean("xyzzy", ops), "");
  EXPECT_EQ(DidYouMean("ab", {"xy"}), "");  // 2 edits of 2 letters: no
  EXPECT_EQ(DidYouMean("send", ops), "");   // already a name
  // The first of equally near ones: "sat" is one edit from "set" only.
  EXPECT_EQ(ClosestName("sat", ops), "set");
}

}  // namespace
}  // namespace models
