// This test verifies that every malformed spec in tests/model/malformed/ is
// rejected with exactly the diagnostics its header announces: each line
// "# expect: <line>:<col>: <message substring>" must match one diagnostic at
// that location, and no other diagnostic may appear. Files that cannot carry a
// comment (the empty file) keep their expectations in a sibling .expect file.
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/diagnostics.h"
#include "model/loader.h"

namespace reconcile::model {
namespace {

namespace fs = std::filesystem;

struct Expectation {
  int line;
  int column;
  std::string message;
};

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::vector<Expectation> ParseExpectations(const std::string& text) {
  static const std::regex kExpect(R"(^# expect: (\d+):(\d+): (.*)$)");
  std::vector<Expectation> out;
  std::istringstream lines(text);
  std::string line;
  std::smatch match;
  while (std::getline(lines, line)) {
    if (std::regex_match(line, match, kExpect)) {
      out.push_back({std::stoi(match[1]), std::stoi(match[2]), match[3]});
    }
  }
  return out;
}

std::vector<std::string> CorpusFiles() {
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator("tests/model/malformed")) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

class MalformedSpecTest : public ::testing::TestWithParam<std::string> {};

TEST_P(MalformedSpecTest, ReportsExactlyTheExpectedDiagnostics) {
  const fs::path path = GetParam();
  const std::string text = ReadFile(path);
  fs::path sidecar = path;
  sidecar.replace_extension(".expect");
  const std::vector<Expectation> expected =
      ParseExpectations(fs::exists(sidecar) ? ReadFile(sidecar) : text);
  ASSERT_FALSE(expected.empty()) << path << " announces no '# expect:' lines";

  Diagnostics diagnostics;
  absl::StatusOr<Spec> spec = ParseSpec(text, path.string(), diagnostics);
  ASSERT_FALSE(spec.ok()) << path << " was accepted";
  EXPECT_EQ(spec.status().code(), absl::StatusCode::kInvalidArgument);

  std::vector<bool> used(diagnostics.size(), false);
  for (const Expectation& want : expected) {
    bool found = false;
    for (size_t i = 0; i < diagnostics.size() && !found; ++i) {
      const Diagnostic& got = diagnostics.items()[i];
      if (used[i] || got.location.line != want.line || got.location.column != want.column ||
          got.message.find(want.message) == std::string::npos) {
        continue;
      }
      EXPECT_EQ(got.location.file, path.string());
      used[i] = found = true;
    }
    EXPECT_TRUE(found) << "missing " << want.line << ":" << want.column << ": " << want.message
                       << "\ngot:\n" << diagnostics.ToString();
  }
  for (size_t i = 0; i < diagnostics.size(); ++i) {
    EXPECT_TRUE(used[i]) << "unexpected " << diagnostics.items()[i].ToString();
  }
}

INSTANTIATE_TEST_SUITE_P(Corpus, MalformedSpecTest, ::testing::ValuesIn(CorpusFiles()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = fs::path(info.param).stem().string();
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

// This test verifies that the corpus is as broad as the issue asks for.
TEST(MalformedCorpusTest, HoldsAtLeastFortyDistinctMistakes) {
  EXPECT_GE(CorpusFiles().size(), 40u);
}

}  // namespace
}  // namespace reconcile::model
