#include "cli/watch_events.h"

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "absl/time/clock.h"
#include "cli/stop_signal.h"
#include "gtest/gtest.h"

namespace reconcile::cli {
namespace {

namespace fs = std::filesystem;

class SpecFileEventsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("reconcile-watch-" + std::to_string(getpid()));
    fs::create_directories(dir_);
    spec_ = dir_ / "spec.yaml";
    Write(spec_, "cluster: a\n");
    auto events = SpecFileEvents::Create(spec_.string());
    ASSERT_TRUE(events.ok()) << events.status();
    events_ = *std::move(events);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static void Write(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

  // Runs `change` shortly after the wait has begun.
  WatchEvents::Event WaitWhile(std::function<void()> change) {
    std::thread writer([&] {
      absl::SleepFor(absl::Milliseconds(50));
      change();
    });
    WatchEvents::Event event = events_->WaitUntil(absl::Now() + absl::Seconds(10));
    writer.join();
    return event;
  }

  fs::path dir_;
  fs::path spec_;
  std::unique_ptr<SpecFileEvents> events_;
};

// This test verifies that the wait ends with kTimeout when nothing happens.
TEST_F(SpecFileEventsTest, TimesOutWhenNothingHappens) {
  EXPECT_EQ(events_->WaitUntil(absl::Now() + absl::Milliseconds(100)), WatchEvents::Event::kTimeout);
}

// This test verifies that writing the spec in place wakes the loop.
TEST_F(SpecFileEventsTest, InPlaceWriteIsAChange) {
  EXPECT_EQ(WaitWhile([&] { Write(spec_, "cluster: b\n"); }), WatchEvents::Event::kSpecChanged);
}

// This test verifies that an editor's save (write a temp file, rename it over
// the spec) wakes the loop.
TEST_F(SpecFileEventsTest, RenameOverTheSpecIsAChange) {
  EXPECT_EQ(WaitWhile([&] {
              Write(dir_ / ".spec.yaml.swp", "cluster: c\n");
              fs::rename(dir_ / ".spec.yaml.swp", spec_);
            }),
            WatchEvents::Event::kSpecChanged);
}

// This test verifies that other files in the directory do not wake the loop.
TEST_F(SpecFileEventsTest, OtherFilesAreIgnored) {
  Write(dir_ / "notes.txt", "x");
  EXPECT_EQ(events_->WaitUntil(absl::Now() + absl::Milliseconds(200)), WatchEvents::Event::kTimeout);
}

// This test verifies that a file the spec refers to (a NixOS module in a
// directory of its own) wakes the loop when edited, once it is watched, while
// its neighbours do not: before, only the spec file itself was watched.
TEST_F(SpecFileEventsTest, FilesTheSpecNamesAreWatchedToo) {
  fs::create_directories(dir_ / "modules");
  const fs::path module = dir_ / "modules" / "web.nix";
  Write(module, "{ }\n");
  ASSERT_TRUE(events_->WatchFiles({module.string()}).ok());
  Write(dir_ / "modules" / "other.nix", "{ }\n");
  EXPECT_EQ(events_->WaitUntil(absl::Now() + absl::Milliseconds(200)), WatchEvents::Event::kTimeout);
  EXPECT_EQ(WaitWhile([&] { Write(module, "{ services.nginx.enable = true; }\n"); }),
            WatchEvents::Event::kSpecChanged);
}

// This test verifies that SIGTERM asks the loop to stop and raises the flag
// the executor watches.
TEST_F(SpecFileEventsTest, SigtermStops) {
  EXPECT_FALSE(StopRequested().load());
  EXPECT_EQ(WaitWhile([] { kill(getpid(), SIGTERM); }), WatchEvents::Event::kStop);
  EXPECT_TRUE(StopRequested().load());
}

}  // namespace
}  // namespace reconcile::cli
