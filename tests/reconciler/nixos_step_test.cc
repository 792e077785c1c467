// This test verifies the shell side of a NixOS step on a real /bin/sh with the
// host's grep/awk: EnsureImportCommand adds ./reconcile to configuration.nix's
// imports exactly once, keeps the operator's file otherwise as it was (and a
// copy of the original), refuses a file it cannot edit safely, and survives a
// hostile path; plus the values the step places.
#include "reconciler/nixos_step.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/template.h"
#include "tests/testing/ci.h"

namespace reconcile {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr char kTypical[] = R"({ config, pkgs, ... }:
{
  # imports = [ ./old.nix ];
  imports =
    [ # Include the results of the hardware scan.
      ./hardware-configuration.nix
    ];
  services.openssh.enable = true;
}
)";

std::string Slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class EnsureImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("nixos it's $(x) " + std::to_string(getpid()));
    fs::create_directories(dir_);
    conf_ = dir_ / "configuration.nix";
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const std::string& text) { std::ofstream(conf_, std::ios::binary) << text; }

  // Runs the command under /bin/sh; returns its exit status, stderr in `err`.
  int Run(std::string* err = nullptr) {
    const fs::path script = dir_ / "ensure.sh";
    const fs::path errors = dir_ / "stderr";
    std::ofstream(script) << EnsureImportCommand(conf_.string()) << "\n";
    // The test's own paths hold a quote: they are passed as arguments.
    pid_t pid = fork();
    if (pid == 0) {
      execl("/bin/sh", "sh", "-c", "exec /bin/sh \"$0\" 2>\"$1\"", script.c_str(), errors.c_str(),
            static_cast<char*>(nullptr));
      _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (err) *err = Slurp(errors);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  fs::path dir_;
  fs::path conf_;
};

TEST_F(EnsureImportTest, AddsTheImportOnceAndKeepsTheRest) {
  Write(kTypical);
  ASSERT_EQ(Run(), 0);
  const std::string once = Slurp(conf_);
  std::string expected = kTypical;
  expected.replace(expected.find("  imports =\n    ["), 17, "  imports =\n    [ ./reconcile");
  EXPECT_EQ(once, expected);
  EXPECT_EQ(Slurp(dir_ / "configuration.nix.before-reconcile"), kTypical);

  ASSERT_EQ(Run(), 0);
  EXPECT_EQ(Slurp(conf_), once) << "a second run is a no-op";
  EXPECT_FALSE(fs::exists(dir_ / "configuration.nix.reconcile-tmp"));
}

TEST_F(EnsureImportTest, HandlesAOneLineImportsList) {
  Write("{ ... }: { imports = [ ./hardware-configuration.nix ]; }\n");
  ASSERT_EQ(Run(), 0);
  EXPECT_EQ(Slurp(conf_), "{ ... }: { imports = [ ./reconcile ./hardware-configuration.nix ]; }\n");
}

TEST_F(EnsureImportTest, AnImportTheOperatorWroteIsLeftAlone) {
  const std::string text = "{ ... }: {\n  imports = [ ./hw.nix ./reconcile ];\n}\n";
  Write(text);
  ASSERT_EQ(Run(), 0);
  EXPECT_EQ(Slurp(conf_), text);
  EXPECT_FALSE(fs::exists(dir_ / "configuration.nix.before-reconcile")) << "nothing was changed";
}

TEST_F(EnsureImportTest, ACommentedImportDoesNotCount) {
  const std::string text = "{ ... }: {\n  # imports = [ ./reconcile ];\n  imports = [ ];\n}\n";
  Write(text);
  ASSERT_EQ(Run(), 0);
  EXPECT_EQ(Slurp(conf_), "{ ... }: {\n  # imports = [ ./reconcile ];\n  imports = [ ./reconcile ];\n}\n");
}

TEST_F(EnsureImportTest, RefusesAConfigurationWithoutAnImportsList) {
  const std::string text = "{ ... }: { services.openssh.enable = true; }\n";
  Write(text);
  std::string err;
  EXPECT_EQ(Run(&err), 1);
  EXPECT_THAT(err, HasSubstr("has no 'imports = [' list"));
  EXPECT_EQ(Slurp(conf_), text);
  EXPECT_FALSE(fs::exists(dir_ / "configuration.nix.reconcile-tmp"));
}

TEST_F(EnsureImportTest, RefusesAMissingConfiguration) {
  std::string err;
  EXPECT_EQ(Run(&err), 1);
  EXPECT_THAT(err, HasSubstr("does not exist: not a NixOS node?"));
  EXPECT_FALSE(fs::exists(conf_));
}

TEST(NixosStepValuesTest, PlacesTheModuleAndTheImportsFile) {
  model::NixosSpec nixos{.module_path = "k8s/cp.nix", .module = "{ x = {{ self.index }}; }"};
  std::vector<model::FileSpec> files = NixosStepFiles("k8s-control", nixos);
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].path, "/etc/nixos/reconcile/k8s-control.nix");
  EXPECT_EQ(files[0].content, nixos.module);
  EXPECT_EQ(files[0].mode, 0644u);
  EXPECT_EQ(files[1].path, "/etc/nixos/reconcile/default.nix");
  EXPECT_EQ(files[1].mode, 0644u);
  model::Template imports;
  ASSERT_FALSE(model::ParseTemplate(files[1].content, imports).has_value());
  EXPECT_TRUE(imports.Refs().empty()) << "rendering default.nix must leave it as it is";
  EXPECT_EQ(RebuildCommand(model::NixosSpec::Rebuild::kSwitch), "nixos-rebuild switch");
  EXPECT_EQ(RebuildCommand(model::NixosSpec::Rebuild::kTest), "nixos-rebuild test");
}

// This test verifies, with Nix itself (Debian's nix-bin evaluates without a
// store), that the managed default.nix imports exactly the role modules
// beside it: regular *.nix files other than itself.
TEST(NixosStepValuesTest, ImportsModuleEvaluatesToEveryRoleModule) {
  if (system("command -v nix-instantiate >/dev/null 2>&1") != 0) {
    if (::reconcile::testing::InCi()) FAIL() << "CI=true but no nix-instantiate";
    GTEST_SKIP() << "nix-instantiate missing (apt-get install nix-bin)";
  }
  const fs::path dir = fs::temp_directory_path() / ("nixos-imports-" + std::to_string(getpid()));
  fs::create_directories(dir / "state");
  fs::create_directories(dir / "modules" / "dir.nix");
  std::ofstream(dir / "modules" / "default.nix") << NixosImportsModule();
  std::ofstream(dir / "modules" / "web.nix") << "{ }\n";
  std::ofstream(dir / "modules" / "db.nix") << "{ }\n";
  std::ofstream(dir / "modules" / "notes.txt") << "not a module\n";
  const std::string command = "NIX_STATE_DIR='" + (dir / "state").string() +
                              "' NIX_CONFIG='build-users-group =' nix-instantiate --eval --strict "
                              "-E 'import " + (dir / "modules" / "default.nix").string() + "' 2>&1";
  std::string output;
  if (FILE* pipe = popen(command.c_str(), "r")) {
    char buffer[512];
    for (size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) output.append(buffer, n);
    pclose(pipe);
  }
  fs::remove_all(dir);
  const std::string modules = (dir / "modules").string();
  EXPECT_EQ(output, "{ imports = [ " + modules + "/db.nix " + modules + "/web.nix ]; }\n");
}

}  // namespace
}  // namespace reconcile
