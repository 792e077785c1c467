// This test verifies that placement is deterministic and stable: existing
// nodes stay on their host (also when a host is added), new nodes spread each
// group across hosts, respect capacity and placement restrictions, an
// exhausted spec is reported per host and resource, and nodes not seen while
// a host is unreachable are unknown rather than placed elsewhere, and a
// domain found on two hosts is reported.
#include "reconciler/placement.h"

#include <algorithm>
#include <random>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/nodes.h"

namespace reconcile {
namespace {

using model::Node;
using model::ObservedDomain;
using model::ObservedState;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

model::HypervisorSpec Host(const std::string& name, model::HostCapacity capacity = {}) {
  return {.name = name, .uri = "test:///" + name, .capacity = capacity};
}

model::Spec SpecWith(std::vector<model::HypervisorSpec> hosts,
                     std::vector<std::pair<std::string, int>> groups) {
  model::Spec spec;
  spec.cluster = "lab";
  spec.hypervisors = std::move(hosts);
  for (const auto& [name, count] : groups) {
    spec.groups.push_back({.name = name, .count = count, .image = "tiny"});
  }
  return spec;
}

std::vector<Node> NodesOf(const model::Spec& spec) {
  std::vector<Node> nodes;
  for (const model::GroupSpec& group : spec.groups) {
    for (int i = 1; i <= group.count; ++i) nodes.push_back(testing::TestNode(group.name, i, {}));
  }
  return nodes;
}

ObservedDomain On(const std::string& host, const Node& node, const std::string& cluster = "lab") {
  return {.name = node.name, .managed = true, .cluster = cluster, .group = node.group,
          .index = node.index, .state = model::DomainState::kRunning, .vcpus = node.cpus,
          .memory_bytes = node.memory_bytes, .host = host};
}

TEST(PlacementTest, SpreadsEachGroupAcrossHostsInHostOrder) {
  model::Spec spec = SpecWith({Host("h1"), Host("h2")}, {{"web", 3}, {"db", 2}});
  Placement placement = PlaceNodes(spec, NodesOf(spec), {});
  EXPECT_THAT(placement.host_of,
              UnorderedElementsAre(Pair("lab-web-1", "h1"), Pair("lab-web-2", "h2"),
                                   Pair("lab-web-3", "h1"), Pair("lab-db-1", "h1"),
                                   Pair("lab-db-2", "h2")));
  EXPECT_THAT(placement.unplaced, IsEmpty());
  EXPECT_THAT(placement.unknown, IsEmpty());
}

TEST(PlacementTest, ExistingNodesStayAndNewOnesGoToTheAddedHost) {
  // Created while the spec had one host: both web nodes live on h1.
  model::Spec spec = SpecWith({Host("h1"), Host("h2")}, {{"web", 3}});
  std::vector<Node> nodes = NodesOf(spec);
  ObservedState observed;
  observed.domains = {On("h1", nodes[0]), On("h1", nodes[1])};
  Placement placement = PlaceNodes(spec, nodes, observed);
  EXPECT_THAT(placement.host_of,
              UnorderedElementsAre(Pair("lab-web-1", "h1"), Pair("lab-web-2", "h1"),
                                   Pair("lab-web-3", "h2")));
}

TEST(PlacementTest, AddingAHostMovesNothing) {
  model::Spec before = SpecWith({Host("h1"), Host("h2")}, {{"web", 4}});
  std::vector<Node> nodes = NodesOf(before);
  Placement first = PlaceNodes(before, nodes, {});
  ObservedState observed;
  for (const Node& node : nodes) observed.domains.push_back(On(first.host_of.at(node.name), node));

  model::Spec after = SpecWith({Host("h0"), Host("h1"), Host("h2")}, {{"web", 4}});
  Placement second = PlaceNodes(after, nodes, observed);
  EXPECT_EQ(second.host_of, first.host_of);
}

TEST(PlacementTest, DoesNotDependOnTheOrderDomainsAreListedIn) {
  model::Spec spec = SpecWith({Host("h1"), Host("h2"), Host("h3")}, {{"web", 6}});
  std::vector<Node> nodes = NodesOf(spec);
  ObservedState observed;
  observed.domains = {On("h3", nodes[0]), On("h3", nodes[1]), On("h1", nodes[2])};
  Placement reference = PlaceNodes(spec, nodes, observed);
  std::mt19937 random(7);
  for (int i = 0; i < 5; ++i) {
    std::shuffle(observed.domains.begin(), observed.domains.end(), random);
    EXPECT_EQ(PlaceNodes(spec, nodes, observed).host_of, reference.host_of);
  }
  // h2 had no web node: the two new ones go there first, then h1.
  EXPECT_EQ(reference.host_of.at("lab-web-4"), "h2");
  EXPECT_EQ(reference.host_of.at("lab-web-5"), "h1");
  EXPECT_EQ(reference.host_of.at("lab-web-6"), "h2");
}

TEST(PlacementTest, PrefersTheHostWithMoreFreeCapacityWhenSpreadTies) {
  model::Spec spec = SpecWith({Host("h1", {.memory_bytes = 4ull << 30}),
                               Host("h2", {.memory_bytes = 4ull << 30})},
                              {{"big", 1}, {"web", 1}});
  std::vector<Node> nodes = NodesOf(spec);
  nodes[0].memory_bytes = 3ull << 30;  // big-1 takes most of h1
  Placement placement = PlaceNodes(spec, nodes, {});
  EXPECT_EQ(placement.host_of.at("lab-big-1"), "h1");
  EXPECT_EQ(placement.host_of.at("lab-web-1"), "h2");
}

TEST(PlacementTest, RespectsDomainAndCpuCapacity) {
  model::Spec spec = SpecWith({Host("h1", {.domains = 1}), Host("h2", {.cpus = 3})}, {{"web", 4}});
  std::vector<Node> nodes = NodesOf(spec);
  Placement placement = PlaceNodes(spec, nodes, {});
  EXPECT_EQ(placement.host_of.at("lab-web-1"), "h1");
  EXPECT_EQ(placement.host_of.at("lab-web-2"), "h2");
  EXPECT_EQ(placement.host_of.at("lab-web-3"), "h2");  // h1 is full
  EXPECT_EQ(placement.host_of.at("lab-web-4"), "h2");
  EXPECT_THAT(placement.unplaced, IsEmpty());
}

TEST(PlacementTest, ExhaustionIsReportedPerHostAndResourceNotCrashed) {
  model::Spec spec = SpecWith({Host("h1", {.domains = 1}), Host("h2", {.memory_bytes = 1ull << 30})},
                              {{"web", 4}});
  Placement placement = PlaceNodes(spec, NodesOf(spec), {});
  // 512 MiB nodes: h1 takes one, h2 two.
  EXPECT_EQ(placement.host_of.size(), 3u);
  ASSERT_EQ(placement.unplaced.count("lab-web-4"), 1u);
  EXPECT_THAT(placement.unplaced.at("lab-web-4"),
              AllOf(HasSubstr("no hypervisor has room"), HasSubstr("h1: domains 1 of 1 in use"),
                    HasSubstr("h2: memory 1024 of 1024 MiB in use, needs 512 MiB")));
}

TEST(PlacementTest, CountsThisClustersExistingDomainsOnly) {
  model::Spec spec = SpecWith({Host("h1", {.domains = 2}), Host("h2", {.domains = 1})}, {{"web", 2}});
  std::vector<Node> nodes = NodesOf(spec);
  Node stranger = testing::TestNode("x", 1, {});
  stranger.name = "other-x-1";
  Node orphan = testing::TestNode("old", 1, {});
  ObservedState observed;
  observed.domains = {On("h1", stranger, "other"), On("h2", orphan)};  // orphan fills h2
  observed.domains.push_back({.name = "hand-made", .host = "h1"});       // unmanaged
  Placement placement = PlaceNodes(spec, nodes, observed);
  EXPECT_THAT(placement.host_of,
              UnorderedElementsAre(Pair("lab-web-1", "h1"), Pair("lab-web-2", "h1")));
}

TEST(PlacementTest, PlacementHostsRestrictAGroup) {
  model::Spec spec = SpecWith({Host("h1"), Host("h2"), Host("h3")}, {{"web", 3}});
  spec.groups[0].placement_hosts = {"h3", "h2"};
  Placement placement = PlaceNodes(spec, NodesOf(spec), {});
  EXPECT_THAT(placement.host_of,
              UnorderedElementsAre(Pair("lab-web-1", "h2"), Pair("lab-web-2", "h3"),
                                   Pair("lab-web-3", "h2")));
}

TEST(PlacementTest, UnseenNodesAreUnknownWhileAHostIsUnreachable) {
  model::Spec spec = SpecWith({Host("h1"), Host("h2")}, {{"web", 3}});
  std::vector<Node> nodes = NodesOf(spec);
  ObservedState observed;
  observed.domains = {On("h1", nodes[0])};
  observed.unreachable_hosts["h2"] = "connection refused";
  Placement placement = PlaceNodes(spec, nodes, observed);
  EXPECT_THAT(placement.host_of, ElementsAre(Pair("lab-web-1", "h1")));
  EXPECT_THAT(placement.unknown, ElementsAre("lab-web-2", "lab-web-3"));
  EXPECT_THAT(placement.unplaced, IsEmpty());
}

TEST(PlacementTest, ADomainOnTwoHostsIsReportedInHostOrder) {
  model::Spec spec = SpecWith({Host("h1"), Host("h2")}, {{"web", 1}});
  std::vector<Node> nodes = NodesOf(spec);
  ObservedState observed;
  observed.domains = {On("h2", nodes[0]), On("h1", nodes[0])};
  Placement placement = PlaceNodes(spec, nodes, observed);
  EXPECT_THAT(placement.duplicated, ElementsAre(Pair("lab-web-1", ElementsAre("h1", "h2"))));
}

TEST(PlacementTest, OneHostSpecsPlaceEverythingOnTheDefaultHost) {
  model::Spec spec;
  spec.cluster = "lab";
  spec.groups = {{.name = "web", .count = 2, .image = "tiny"}};
  std::vector<Node> nodes = NodesOf(spec);
  ObservedState observed;
  ObservedDomain existing = On("", nodes[0]);  // one-host observations carry no host
  observed.domains = {existing};
  Placement placement = PlaceNodes(spec, nodes, observed);
  EXPECT_THAT(placement.host_of,
              UnorderedElementsAre(Pair("lab-web-1", "default"), Pair("lab-web-2", "default")));
}

}  // namespace
}  // namespace reconcile
