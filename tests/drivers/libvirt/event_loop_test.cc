// libvirt's event loop: one thread of its own per process, however often it
// is started, and connections get keepalive where their driver has it.
#include "drivers/libvirt/event_loop.h"

#include <libvirt/libvirt.h>
#include <pthread.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "drivers/libvirt/connection.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace reconcile::drivers::libvirt {
namespace {

// Threads of this process named `name` (/proc/self/task/*/comm).
int ThreadsNamed(const std::string& name) {
  int n = 0;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::string comm;
    std::getline(std::ifstream(task.path() / "comm"), comm);
    n += comm == name;
  }
  return n;
}

struct Fired {
  absl::Notification done;
  std::thread::id on;
};

// A one-shot libvirt timer: records the thread that ran it.
void FireOnce(int timer, void* opaque) {
  virEventRemoveTimeout(timer);
  auto* fired = static_cast<Fired*>(opaque);
  if (fired->done.HasBeenNotified()) return;
  fired->on = std::this_thread::get_id();
  fired->done.Notify();
}

// This test verifies that starting the loop several times starts one
// thread ("libvirt-events"), and that it dispatches libvirt's timers there,
// not on the caller's thread.
TEST(EventLoopTest, RunsOnOneThreadOfItsOwnHoweverOftenStarted) {
  ASSERT_TRUE(StartLibvirtEventLoop());
  ASSERT_TRUE(StartLibvirtEventLoop());
  Fired first, second;
  ASSERT_GE(virEventAddTimeout(0, FireOnce, &first, nullptr), 0);
  ASSERT_TRUE(first.done.WaitForNotificationWithTimeout(absl::Seconds(10)));
  ASSERT_TRUE(StartLibvirtEventLoop());
  ASSERT_GE(virEventAddTimeout(0, FireOnce, &second, nullptr), 0);
  ASSERT_TRUE(second.done.WaitForNotificationWithTimeout(absl::Seconds(10)));
  EXPECT_NE(first.on, std::this_thread::get_id());
  EXPECT_EQ(first.on, second.on);
  EXPECT_EQ(ThreadsNamed("libvirt-events"), 1);
}

// This test verifies that a Connection starts the loop before it opens, and
// that keepalive on the in-process test driver, which has none, is reported
// unsupported and does not fail the connection; turned off in the options,
// it is off.
TEST(EventLoopTest, ConnectionStartsTheLoopAndTestDriverHasNoKeepalive) {
  Connection connection("test:///default");
  EXPECT_EQ(connection.keepalive(), KeepaliveState::kOff) << "nothing opened yet";
  ASSERT_TRUE(connection.Get().ok());
  EXPECT_EQ(ThreadsNamed("libvirt-events"), 1);
  EXPECT_EQ(connection.keepalive(), KeepaliveState::kUnsupported);
  ASSERT_TRUE(connection.Get().ok());
  EXPECT_EQ(connection.reconnects(), 0) << "a live connection is reused";

  Connection off("test:///default", KeepaliveOptions{.interval_seconds = 0});
  ASSERT_TRUE(off.Get().ok());
  EXPECT_EQ(off.keepalive(), KeepaliveState::kOff);
}

// This test verifies the documented detection time: interval x (count + 1).
TEST(EventLoopTest, KeepaliveDetectionTime) {
  EXPECT_EQ(KeepaliveOptions{}.DetectionTime(), absl::Seconds(20));
  EXPECT_EQ((KeepaliveOptions{.interval_seconds = 1, .count = 2}.DetectionTime()),
            absl::Seconds(3));
}

}  // namespace
}  // namespace reconcile::drivers::libvirt
