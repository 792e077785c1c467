// This test verifies the group facts templates may use (count, cpus,
// memory_mib) and the `csv` filter, which together let a config file such as
// slurm.conf describe a whole group without loops.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/expand.h"
#include "model/loader.h"
#include "model/template.h"
#include "tests/testing/status_matchers.h"

namespace reconcile::model {
namespace {

using ::reconcile::testing::IsOk;
using ::reconcile::testing::IsOkAndHolds;
using ::reconcile::testing::StatusIs;
using ::testing::HasSubstr;

absl::StatusOr<std::string> RenderText(std::string_view text, const RenderContext& context,
                                       Quoting quoting) {
  Template tmpl;
  if (auto error = ParseTemplate(text, tmpl)) return absl::InvalidArgumentError(error->message);
  return Render(tmpl, context, quoting);
}

RenderContext Context() {
  RenderContext c;
  c.group_nodes["hpc"] = {"c-hpc-1", "c-hpc-2"};
  c.group_ips["hpc"] = {"10.0.0.11", "10.0.0.12"};
  c.groups["hpc"] = {.count = 2, .cpus = 8, .memory_mib = 16384};
  return c;
}

TEST(GroupFactsTest, RendersCountCpusAndMemory) {
  EXPECT_THAT(RenderText("n={{ group.hpc.count }} c={{ group.hpc.cpus }} m={{ group.hpc.memory_mib }}",
                         Context(), Quoting::kNone),
              IsOkAndHolds("n=2 c=8 m=16384"));
}

TEST(GroupFactsTest, CsvJoinsListsWithCommasAndQuotesThemAsOneWord) {
  EXPECT_THAT(RenderText("NodeName={{ group.hpc.nodes | csv }} NodeAddr={{ group.hpc.ips | csv }}",
                         Context(), Quoting::kNone),
              IsOkAndHolds("NodeName=c-hpc-1,c-hpc-2 NodeAddr=10.0.0.11,10.0.0.12"));
  RenderContext hostile = Context();
  hostile.group_nodes["hpc"] = {"a b", "$(x)"};
  EXPECT_THAT(RenderText("scontrol show node {{ group.hpc.nodes | csv }}", hostile, Quoting::kShell),
              IsOkAndHolds("scontrol show node 'a b,$(x)'"));
}

TEST(GroupFactsTest, CsvOnAScalarIsAParseError) {
  Template tmpl;
  auto error = ParseTemplate("{{ self.name | csv }}", tmpl);
  ASSERT_TRUE(error.has_value());
  EXPECT_THAT(error->message, HasSubstr("'csv' joins lists"));
}

TEST(GroupFactsTest, StaticContextCarriesEveryGroupsFactsAndTheyAreHashed) {
  constexpr char kSpec[] = R"(cluster: c
images: {base: {disk: /b.qcow2}}
groups:
  ctl: {count: 1, image: base, roles: [conf]}
  hpc: {count: 2, image: base, cpus: 4, memory: 3GiB, roles: [conf]}
roles:
  conf:
    steps:
      - name: conf
        files: [{path: /etc/x.conf, content: "{{ group.hpc.count }} x {{ group.hpc.cpus }} x {{ group.hpc.memory_mib }}"}]
)";
  Diagnostics diagnostics;
  absl::StatusOr<Spec> spec = ParseSpec(kSpec, "c.yaml", diagnostics);
  ASSERT_THAT(spec, IsOk()) << diagnostics.ToString();
  auto nodes = ExpandSpec(*spec);
  ASSERT_THAT(nodes, IsOk());
  RenderContext context = StaticRenderContext(*spec, *nodes, (*nodes)[0]);
  EXPECT_EQ(context.groups.at("hpc").count, 2);
  EXPECT_EQ(context.groups.at("hpc").cpus, 4);
  EXPECT_EQ(context.groups.at("hpc").memory_mib, 3072u);

  spec->groups[1].count = 3;
  auto scaled = ExpandSpec(*spec);
  ASSERT_THAT(scaled, IsOk());
  EXPECT_NE((*nodes)[0].role_hashes.at("conf"), (*scaled)[0].role_hashes.at("conf"))
      << "scaling hpc changes the rendered file on the controller too";
}

TEST(GroupFactsTest, UnknownGroupIsLocatedWithSuggestion) {
  constexpr char kSpec[] = R"(cluster: c
images: {base: {disk: /b.qcow2}}
groups:
  hpc: {count: 2, image: base, roles: [conf]}
roles:
  conf:
    steps:
      - name: conf
        run: echo {{ group.hcp.cpus }}
)";
  Diagnostics diagnostics;
  absl::StatusOr<Spec> spec = ParseSpec(kSpec, "c.yaml", diagnostics);
  EXPECT_THAT(spec, StatusIs(absl::StatusCode::kInvalidArgument,
                             HasSubstr("c.yaml:9:19: unknown group 'hcp' in {{ group.hcp.cpus }}, "
                                       "did you mean 'hpc'?")))
      << spec.status();
}

}  // namespace
}  // namespace reconcile::model
