// This test verifies ObservedFacts, what a saved plan compares: the same world
// in another order gives the same facts, a changed state, hash, probe result
// or host gives another, and failed probes' messages (timings) do not count.
#include "model/observed_facts.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace reconcile::model {
namespace {

using ::testing::Contains;

ObservedState World() {
  ObservedState world;
  ObservedDomain web;
  web.name = "lab-web-1";
  web.managed = true;
  web.cluster = "lab";
  web.group = "web";
  web.index = 1;
  web.hardware_hash = "hw";
  web.image_hash = "img";
  web.state = DomainState::kRunning;
  web.vcpus = 2;
  web.memory_bytes = 1024;
  ObservedDomain stranger;
  stranger.name = "stranger";
  stranger.state = DomainState::kShutOff;
  world.domains = {web, stranger};
  NodeProbe probe;
  probe.address = "10.0.0.5";
  probe.boot_id = "b1";
  probe.applied_roles = {{"web", "r1"}};
  probe.checks_pass = {{"web", true}};
  world.probes["lab-web-1"] = probe;
  return world;
}

TEST(ObservedFactsTest, OrderDoesNotMatter) {
  ObservedState reversed = World();
  std::swap(reversed.domains[0], reversed.domains[1]);
  EXPECT_EQ(ObservedFacts(World()), ObservedFacts(reversed));
  EXPECT_THAT(ObservedFacts(World()), Contains("domain lab-web-1 on '': running"));
  EXPECT_THAT(ObservedFacts(World()), Contains("domain stranger on '': unmanaged"));
}

TEST(ObservedFactsTest, EveryChangeThatMattersShows) {
  const auto base = ObservedFacts(World());
  std::vector<std::function<void(ObservedState&)>> changes = {
      [](ObservedState& w) { w.domains[0].state = DomainState::kShutOff; },
      [](ObservedState& w) { w.domains[0].hardware_hash = "other"; },
      [](ObservedState& w) { w.domains[0].vcpus = 4; },
      [](ObservedState& w) { w.domains.pop_back(); },
      [](ObservedState& w) { w.probes["lab-web-1"].boot_id = "b2"; },
      [](ObservedState& w) { w.probes["lab-web-1"].checks_pass["web"] = false; },
      [](ObservedState& w) { w.probes["lab-web-1"].applied_roles["web"] = "r2"; },
      [](ObservedState& w) { w.probes["lab-web-1"].status = absl::UnavailableError("refused"); },
      [](ObservedState& w) { w.unreachable_hosts["rack2"] = "down"; },
      [](ObservedState& w) { w.create_problems["web"][""] = "no pool"; },
  };
  for (size_t i = 0; i < changes.size(); ++i) {
    ObservedState changed = World();
    changes[i](changed);
    EXPECT_NE(ObservedFacts(changed), base) << "change " << i;
  }
}

TEST(ObservedFactsTest, AFailedProbesMessageDoesNotCount) {
  ObservedState a = World();
  ObservedState b = World();
  a.probes["lab-web-1"].status = absl::DeadlineExceededError("timed out after 10.2s");
  b.probes["lab-web-1"].status = absl::DeadlineExceededError("timed out after 10.4s");
  EXPECT_EQ(ObservedFacts(a), ObservedFacts(b));
}

}  // namespace
}  // namespace reconcile::model
