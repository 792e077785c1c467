// nix/package.nix builds from a fileset and runs the unit suites in its check
// phase: a file a test includes or opens that the fileset leaves out breaks
// the Nix build only (it did: fuzz/shell_words.h, docs/plan-json.md), which
// nothing here can build. This checks the fileset against the tests instead.
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace reconcile {
namespace {

namespace fs = std::filesystem;

std::string Read(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The entries of `fileset = lib.fileset.unions [ ../a ../b/c ]`, as "a", "b/c".
std::vector<std::string> FilesetEntries(const std::string& package_nix) {
  const size_t start = package_nix.find("lib.fileset.unions [");
  const size_t end = package_nix.find("];", start);
  std::vector<std::string> entries;
  if (start == std::string::npos || end == std::string::npos) return entries;
  const std::string list = package_nix.substr(start, end - start);
  static const std::regex kEntry(R"(\.\./([A-Za-z0-9_./-]+))");
  for (std::sregex_iterator it(list.begin(), list.end(), kEntry), last; it != last; ++it) {
    entries.push_back((*it)[1].str());
  }
  return entries;
}

bool Covered(const std::string& path, const std::vector<std::string>& entries) {
  for (const std::string& entry : entries) {
    if (path == entry || path.rfind(entry + "/", 0) == 0) return true;
  }
  return false;
}

// This test verifies that every repository file a test source includes
// ("dir/file.h") or names as a literal path ("docs/...", "specs/...") is
// inside the Nix package's source fileset.
TEST(PackageFilesetTest, EveryFileTheTestsUseIsInTheFileset) {
  const std::vector<std::string> entries = FilesetEntries(Read("nix/package.nix"));
  ASSERT_FALSE(entries.empty()) << "no fileset list found in nix/package.nix";
  static const std::regex kInclude(R"re(#include\s+"([^"]+)")re");
  static const std::regex kLiteral(R"re("((?:docs|specs|fuzz|bench|scripts|nix)/[A-Za-z0-9_./-]+)")re");
  std::set<std::string> missing;
  int files_seen = 0;
  for (const fs::directory_entry& file : fs::recursive_directory_iterator("tests")) {
    const std::string ext = file.path().extension().string();
    if (ext != ".cc" && ext != ".h") continue;
    ++files_seen;
    const std::string text = Read(file.path());
    for (const std::regex* pattern : {&kInclude, &kLiteral}) {
      for (std::sregex_iterator it(text.begin(), text.end(), *pattern), last; it != last; ++it) {
        const std::string path = (*it)[1].str();
        if (fs::exists(path) && !Covered(path, entries)) {
          missing.insert(path + " (used by " + file.path().string() + ")");
        }
      }
    }
  }
  EXPECT_GT(files_seen, 50);
  EXPECT_THAT(missing, ::testing::IsEmpty()) << "add these to nix/package.nix's fileset";
}

// This test verifies that the check can fail: a path outside the fileset is
// reported as not covered.
TEST(PackageFilesetTest, PathsOutsideTheFilesetAreNotCovered) {
  const std::vector<std::string> entries = {"tests", "docs/spec.schema.json"};
  EXPECT_TRUE(Covered("tests/lab/fleet.sh", entries));
  EXPECT_TRUE(Covered("docs/spec.schema.json", entries));
  EXPECT_FALSE(Covered("docs/plan-json.md", entries));
  EXPECT_FALSE(Covered("testsuite/x", entries));
}

}  // namespace
}  // namespace reconcile
