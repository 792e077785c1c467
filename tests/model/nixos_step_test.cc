// This test verifies the step kinds beside `run`: a files-only step and a
// NixOS step whose module is read at load time (relative to the spec), is a
// template checked like any other, and is part of the role hash; and that
// their mistakes are located diagnostics.
#include <filesystem>
#include <fstream>
#include <map>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/expand.h"
#include "model/loader.h"
#include "tests/testing/status_matchers.h"

namespace reconcile::model {
namespace {

using ::reconcile::testing::IsOk;
using ::reconcile::testing::StatusIs;
using ::testing::HasSubstr;

constexpr char kSpec[] = R"(cluster: nx
images:
  nixos: {disk: /img/nixos.qcow2}
groups:
  cp: {count: 1, image: nixos, roles: [k8s]}
roles:
  k8s:
    steps:
      - name: certs
        files:
          - {path: /etc/k8s/ca.pem, content: "ca for {{ self.name }}", mode: "0600"}
      - name: kubernetes
        nixos: {module: k8s/cp.nix, rebuild: test}
)";

// An in-memory reader: the files a spec may name, by the path as written.
SpecFileReader Files(std::map<std::string, std::string> files) {
  return [files](const std::string& path) -> absl::StatusOr<std::string> {
    auto it = files.find(path);
    if (it == files.end()) return absl::NotFoundError("cannot read '" + path + "': no such file");
    return it->second;
  };
}

absl::StatusOr<Spec> Parse(std::string_view text, const std::string& module) {
  Diagnostics diagnostics;
  return ParseSpec(text, "specs/nx.yaml", diagnostics, Files({{"k8s/cp.nix", module}}));
}

TEST(NixosStepTest, DecodesFilesOnlyAndNixosSteps) {
  absl::StatusOr<Spec> spec = Parse(kSpec, "{ networking.hostName = \"{{ self.name }}\"; }\n");
  ASSERT_THAT(spec, IsOk());
  const RoleSpec& role = spec->roles[0];
  ASSERT_EQ(role.steps.size(), 2u);
  EXPECT_TRUE(role.steps[0].run.empty());
  EXPECT_FALSE(role.steps[0].nixos.has_value());
  ASSERT_EQ(role.steps[0].files.size(), 1u);
  EXPECT_EQ(role.steps[0].files[0].mode, 0600u);
  ASSERT_TRUE(role.steps[1].nixos.has_value());
  EXPECT_EQ(role.steps[1].nixos->module_path, "k8s/cp.nix");
  EXPECT_EQ(role.steps[1].nixos->module, "{ networking.hostName = \"{{ self.name }}\"; }\n");
  EXPECT_EQ(role.steps[1].nixos->rebuild, NixosSpec::Rebuild::kTest);
}

TEST(NixosStepTest, RebuildDefaultsToSwitch) {
  std::string text = kSpec;
  text.replace(text.find(", rebuild: test"), 15, "");
  absl::StatusOr<Spec> spec = Parse(text, "{ }\n");
  ASSERT_THAT(spec, IsOk());
  EXPECT_EQ(spec->roles[0].steps[1].nixos->rebuild, NixosSpec::Rebuild::kSwitch);
}

TEST(NixosStepTest, ChangingTheModuleChangesTheRoleHash) {
  absl::StatusOr<Spec> before = Parse(kSpec, "{ services.a.enable = true; }\n");
  absl::StatusOr<Spec> after = Parse(kSpec, "{ services.a.enable = false; }\n");
  ASSERT_THAT(before, IsOk());
  ASSERT_THAT(after, IsOk());
  auto nodes_before = ExpandSpec(*before);
  auto nodes_after = ExpandSpec(*after);
  ASSERT_THAT(nodes_before, IsOk());
  ASSERT_THAT(nodes_after, IsOk());
  EXPECT_NE((*nodes_before)[0].role_hashes.at("k8s"), (*nodes_after)[0].role_hashes.at("k8s"));
  auto again = ExpandSpec(*Parse(kSpec, "{ services.a.enable = true; }\n"));
  EXPECT_EQ((*nodes_before)[0].role_hashes.at("k8s"), (*again)[0].role_hashes.at("k8s"));
}

TEST(NixosStepTest, MissingModuleIsLocatedAtTheModuleKey) {
  Diagnostics diagnostics;
  absl::StatusOr<Spec> spec = ParseSpec(kSpec, "specs/nx.yaml", diagnostics, Files({}));
  EXPECT_THAT(spec, StatusIs(absl::StatusCode::kInvalidArgument,
                             HasSubstr("specs/nx.yaml:13:25: nixos module: cannot read 'k8s/cp.nix'")))
      << spec.status();
}

TEST(NixosStepTest, TemplateErrorInModuleIsLocatedInTheModuleFile) {
  absl::StatusOr<Spec> spec = Parse(kSpec, "{\n  x = \"{{ self.nmae }}\";\n}\n");
  EXPECT_THAT(spec, StatusIs(absl::StatusCode::kInvalidArgument,
                             HasSubstr("specs/k8s/cp.nix:2:8: unknown reference 'self.nmae'")));
}

TEST(NixosStepTest, ReadsModulesBesideTheSpecOnDisk) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("nixos-step-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir / "k8s");
  std::ofstream(dir / "k8s" / "cp.nix") << "{ boot.isContainer = false; }\n";
  std::ofstream(dir / "nx.yaml") << kSpec;
  Diagnostics diagnostics;
  absl::StatusOr<Spec> spec = LoadSpec((dir / "nx.yaml").string(), diagnostics);
  std::filesystem::create_directories(dir / "dir.nix");
  std::string text = kSpec;
  text.replace(text.find("k8s/cp.nix"), 10, "dir.nix");
  std::ofstream(dir / "dir.yaml") << text;
  Diagnostics dir_diagnostics;
  absl::StatusOr<Spec> not_a_file = LoadSpec((dir / "dir.yaml").string(), dir_diagnostics);
  std::filesystem::remove_all(dir);

  ASSERT_THAT(spec, IsOk()) << diagnostics.ToString();
  EXPECT_EQ(spec->roles[0].steps[1].nixos->module, "{ boot.isContainer = false; }\n");
  EXPECT_THAT(not_a_file, StatusIs(absl::StatusCode::kInvalidArgument,
                                   HasSubstr("dir.nix' is not a regular file")));
}

}  // namespace
}  // namespace reconcile::model
