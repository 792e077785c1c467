// This test verifies that DomainIndex answers as ObservedState::FindDomain
// does: by name, the first of domains sharing a name, nullptr when absent.
#include "model/domain_index.h"

#include "gtest/gtest.h"

namespace reconcile::model {
namespace {

TEST(DomainIndexTest, FindsAsTheScanDoes) {
  ObservedState observed;
  observed.domains = {{.name = "lab-web-1", .host = "a"},
                      {.name = "lab-web-2", .host = "a"},
                      {.name = "lab-web-1", .host = "b"}};  // a duplicate on another host
  const DomainIndex index(observed.domains);
  for (const char* name : {"lab-web-1", "lab-web-2", "lab-web-3"}) {
    EXPECT_EQ(index.Find(name), observed.FindDomain(name)) << name;
  }
  ASSERT_NE(index.Find("lab-web-1"), nullptr);
  EXPECT_EQ(index.Find("lab-web-1")->host, "a");
  EXPECT_EQ(index.Find("lab-web-3"), nullptr);
}

}  // namespace
}  // namespace reconcile::model
