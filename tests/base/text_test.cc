// This test verifies that counts are printed with the noun that agrees with
// them ("1 pass", "2 passes", "0 nodes"), as every report line uses them.
#include "base/text.h"

#include "gtest/gtest.h"

namespace reconcile {
namespace {

TEST(CountedTest, OneIsSingularEverythingElsePlural) {
  EXPECT_EQ(Counted(1, "pass", "passes"), "1 pass");
  EXPECT_EQ(Counted(2, "pass", "passes"), "2 passes");
  EXPECT_EQ(Counted(0, "node", "nodes"), "0 nodes");
  EXPECT_EQ(Counted(-1, "node", "nodes"), "-1 nodes");
  EXPECT_EQ(Counted(1000000, "action", "actions"), "1000000 actions");
}

}  // namespace
}  // namespace reconcile
