// This test verifies that RoleHasher's per-group sharing gives every node the
// hash of its full canonical text, rendered afresh: the hashes recorded on
// nodes must not depend on how expansion arrived at them.
#include "model/role_hasher.h"

#include "gtest/gtest.h"
#include "model/sha256.h"

namespace reconcile::model {
namespace {

// The canonical form, written out (model/canonical_field.h).
std::string Field(const std::string& key, const std::string& value) {
  return key + "=" + std::to_string(value.size()) + ":" + value + "\n";
}

RoleSpec JoinRole() {
  RoleSpec role;
  role.name = "join";
  role.after = {"leader"};
  StepSpec step;
  step.name = "join";
  step.run = "echo {{ role.leader.outputs.token }} {{ vars.greeting }}";
  step.check = "test -s /joined";
  step.files.push_back({.path = "/etc/me",
                        .content = "me={{ self.name }} #{{ self.index }} of {{ group.w.nodes }}\n",
                        .owner = "root"});
  role.steps.push_back(step);
  role.outputs.push_back({.name = "id", .command = "cat /id {{ self.ip }}"});
  return role;
}

RenderContext GroupContext() {
  RenderContext context;
  context.self_group = "w";
  context.group_nodes["w"] = {"c-w-1", "c-w-2"};
  context.vars["greeting"] = "it's me";
  return context;
}

TEST(RoleHasherTest, SharedGroupWorkGivesEachNodeItsFullRendering) {
  const RoleSpec role = JoinRole();
  RenderContext context = GroupContext();
  context.self_name = "c-w-1";
  context.self_index = 1;
  GroupRoleHasher group = RoleHasher(role).ForGroup(context);
  for (int index = 1; index <= 2; ++index) {
    context.self_name = "c-w-" + std::to_string(index);
    context.self_index = index;
    const std::string me = "me=c-w-" + std::to_string(index) + " #" + std::to_string(index) +
                           " of c-w-1 c-w-2\n";
    const std::string canonical =
        "role/v1\n" + Field("name", "join") + Field("after", "leader") + Field("step", "join") +
        Field("run", "echo {{ role.leader.outputs.token }} 'it'\\''s me'") +
        Field("check", "test -s /joined") + Field("file", "/etc/me") + Field("content", me) +
        Field("mode", "420") + Field("owner", "root") + Field("output", "id") +
        Field("command", "cat /id {{ self.ip }}") + Field("secret", "false");
    EXPECT_EQ(*group.Hash(context), Sha256Hex(canonical)) << index;
  }
}

TEST(RoleHasherTest, RoleWithoutSelfReferencesIsOneHashPerGroup) {
  RoleSpec role = JoinRole();
  role.steps[0].files.clear();
  role.outputs.clear();
  RenderContext context = GroupContext();
  GroupRoleHasher group = RoleHasher(role).ForGroup(context);
  context.self_name = "c-w-2";
  EXPECT_EQ(*group.Hash(context), *RoleHasher(role).ForGroup(context).Hash(context));
}

TEST(RoleHasherTest, AnUnparsableTemplateIsEveryNodesError) {
  RoleSpec role = JoinRole();
  role.steps[0].check = "{{ self.nope }}";
  GroupRoleHasher group = RoleHasher(role).ForGroup(GroupContext());
  absl::StatusOr<std::string> hash = group.Hash(GroupContext());
  ASSERT_FALSE(hash.ok());
  EXPECT_EQ(hash.status().message().substr(0, 32), "check: unknown reference 'self.n");
}

}  // namespace
}  // namespace reconcile::model
