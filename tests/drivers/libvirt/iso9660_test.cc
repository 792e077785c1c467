// The ISO writer's output read back by an independent reader: isoinfo
// (genisoimage package).
#include "drivers/libvirt/iso9660.h"

#include <unistd.h>

#include <fstream>

#include "fmt/format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/lab/command_runner.h"
#include "tests/testing/ci.h"
#include "tests/testing/status_matchers.h"

namespace reconcile::drivers::libvirt {
namespace {

using ::reconcile::testing::InCi;
using ::reconcile::testing::IsOk;
using ::reconcile::testing::RunCommand;
using ::reconcile::testing::ShellQuote;
using ::reconcile::testing::StatusIs;
using ::testing::HasSubstr;

class Iso9660Test : public ::testing::Test {
 protected:
  void SetUp() override {
    if (RunCommand("command -v isoinfo >/dev/null 2>&1").exit_code != 0) {
      if (InCi()) FAIL() << "isoinfo (genisoimage) is required under CI";
      GTEST_SKIP() << "isoinfo not installed (apt-get install genisoimage)";
    }
    char tmpl[] = "/tmp/reconcile-iso-test-XXXXXX";
    const int fd = mkstemp(tmpl);
    ASSERT_GE(fd, 0);
    close(fd);
    path_ = tmpl;
  }
  void TearDown() override {
    if (!path_.empty()) unlink(path_.c_str());
  }
  void Write(const std::string& image) {
    std::ofstream(path_, std::ios::binary) << image;
  }
  std::string Isoinfo(const std::string& args) {
    auto result = RunCommand("isoinfo " + args + " -i " + ShellQuote(path_) + " 2>&1");
    EXPECT_EQ(result.exit_code, 0) << result.output;
    return result.output;
  }
  std::string path_;
};

// This test verifies that isoinfo reads the label, both directory trees and
// every file's exact bytes, including one that spans several sectors.
TEST_F(Iso9660Test, IsoinfoReadsLabelNamesAndContents) {
  std::string big(5000, 'x');
  big[0] = 'A';
  big[4999] = 'Z';
  absl::StatusOr<std::string> image = BuildIso9660(
      "cidata", {{"user-data", "#cloud-config\nhostname: n1\n"},
                 {"meta-data", "instance-id: i-1\n"},
                 {"big.txt", big},
                 {"empty", ""}});
  ASSERT_THAT(image, IsOk());
  EXPECT_EQ(image->size() % 2048, 0u);
  Write(*image);

  const std::string info = Isoinfo("-d");
  EXPECT_THAT(info, HasSubstr("Volume id: cidata"));
  EXPECT_THAT(info, HasSubstr("Joliet"));
  EXPECT_THAT(info, HasSubstr(fmt::format("Volume size is: {}", image->size() / 2048)));

  const std::string joliet = Isoinfo("-J -f");
  EXPECT_THAT(joliet, HasSubstr("/meta-data"));
  EXPECT_THAT(joliet, HasSubstr("/user-data"));
  EXPECT_THAT(joliet, HasSubstr("/big.txt"));
  const std::string primary = Isoinfo("-f");
  EXPECT_THAT(primary, HasSubstr("/META_DAT.;1"));
  EXPECT_THAT(primary, HasSubstr("/USER_DAT.;1"));

  EXPECT_EQ(Isoinfo("-J -x /user-data"), "#cloud-config\nhostname: n1\n");
  EXPECT_EQ(Isoinfo("-J -x /meta-data"), "instance-id: i-1\n");
  EXPECT_EQ(Isoinfo("-J -x /big.txt"), big);
  EXPECT_EQ(Isoinfo("-x '/META_DAT.;1'"), "instance-id: i-1\n");
  EXPECT_EQ(Isoinfo("-J -x /empty"), "");
}

// This test verifies that the writer is deterministic (same input, same bytes:
// no timestamps of "now").
TEST_F(Iso9660Test, SameInputSameBytes) {
  auto a = BuildIso9660("cidata", {{"meta-data", "x"}});
  auto b = BuildIso9660("cidata", {{"meta-data", "x"}});
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(*a, *b);
}

// This test verifies that bad labels and names are rejected with the value named.
TEST(Iso9660ValidationTest, RejectsBadLabelsAndNames) {
  EXPECT_THAT(BuildIso9660("", {}), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(BuildIso9660("has space", {}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("has space")));
  EXPECT_THAT(BuildIso9660("cidata", {{"Upper", ""}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("Upper")));
  EXPECT_THAT(BuildIso9660("cidata", {{"dir/file", ""}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("dir/file")));
  EXPECT_THAT(BuildIso9660("cidata", {{"meta-data", ""}, {"meta-data2", ""}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("collides")));
}

}  // namespace
}  // namespace reconcile::drivers::libvirt
