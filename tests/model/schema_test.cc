// This test verifies that docs/spec.schema.json is valid JSON declaring JSON
// Schema 2020-12 and that every mapping in it accepts exactly the keys the
// loader accepts (model/spec_keys.h), so editors and `reconcile validate`
// never disagree about what may be written.
#include <fstream>
#include <set>
#include <span>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/spec_keys.h"
#include "nlohmann/json.hpp"

namespace reconcile::model {
namespace {

using nlohmann::json;

json LoadSchema() {
  std::ifstream in("docs/spec.schema.json");
  EXPECT_TRUE(in.good()) << "docs/spec.schema.json is missing";
  return json::parse(in);  // throws (and fails the test) on invalid JSON
}

std::set<std::string> Properties(const json& object) {
  std::set<std::string> keys;
  for (const auto& [key, value] : object.at("properties").items()) keys.insert(key);
  return keys;
}

std::set<std::string> Keys(std::span<const std::string_view> keys) {
  return {keys.begin(), keys.end()};
}

TEST(SpecSchemaTest, DeclaresDraft2020AndClosesEveryObject) {
  json schema = LoadSchema();
  EXPECT_EQ(schema.at("$schema"), "https://json-schema.org/draft/2020-12/schema");
  EXPECT_EQ(schema.at("additionalProperties"), false);
  EXPECT_THAT(schema.at("required"), ::testing::UnorderedElementsAre("cluster", "groups"));
}

TEST(SpecSchemaTest, ListsTheSameKeysAsTheLoader) {
  json schema = LoadSchema();
  const json& top = schema.at("properties");
  EXPECT_EQ(Properties(schema), Keys(keys::kTopLevel));
  EXPECT_EQ(Properties(top.at("hypervisor")), Keys(keys::kHypervisor));
  const json& host = top.at("hypervisors").at("items");
  EXPECT_EQ(Properties(host), Keys(keys::kHypervisorsItem));
  EXPECT_EQ(Properties(host.at("properties").at("capacity")), Keys(keys::kCapacity));
  EXPECT_EQ(Properties(schema.at("$defs").at("ownedNetwork")), Keys(keys::kOwnedNetwork));
  EXPECT_EQ(Properties(top.at("groups").at("additionalProperties").at("properties").at("placement")),
            Keys(keys::kPlacement));
  EXPECT_EQ(Properties(top.at("groups").at("additionalProperties").at("properties").at("disks").at("items")),
            Keys(keys::kDataDisk));
  EXPECT_EQ(Properties(top.at("ssh")), Keys(keys::kSsh));
  EXPECT_EQ(Properties(top.at("policy")), Keys(keys::kPolicy));
  EXPECT_EQ(Properties(top.at("images").at("additionalProperties")), Keys(keys::kImage));
  EXPECT_EQ(Properties(top.at("groups").at("additionalProperties")), Keys(keys::kGroup));
  const json& role = top.at("roles").at("additionalProperties");
  EXPECT_EQ(Properties(role), Keys(keys::kRole));
  const json& step = role.at("properties").at("steps").at("items");
  EXPECT_EQ(Properties(step), Keys(keys::kStep));
  EXPECT_EQ(Properties(step.at("properties").at("files").at("items")), Keys(keys::kFile));
  EXPECT_EQ(Properties(step.at("properties").at("nixos")), Keys(keys::kNixos));
  EXPECT_EQ(Properties(role.at("properties").at("outputs").at("additionalProperties").at("oneOf")[1]),
            Keys(keys::kOutput));
  EXPECT_EQ(Properties(schema.at("$defs").at("variable").at("oneOf")[1]), Keys(keys::kVariable));
}

}  // namespace
}  // namespace reconcile::model
