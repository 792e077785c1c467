#include "cli/watch_events.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/time/clock.h"
#include "cli/stop_signal.h"
#include "fmt/format.h"

namespace reconcile::cli {

absl::StatusOr<std::unique_ptr<SpecFileEvents>> SpecFileEvents::Create(const std::string& spec_path) {
  if (absl::Status s = InstallStopHandlers(); !s.ok()) return s;
  int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  if (fd < 0) return absl::InternalError(fmt::format("inotify: {}", std::strerror(errno)));
  std::unique_ptr<SpecFileEvents> events(new SpecFileEvents(fd));
  if (absl::Status s = events->WatchFiles({spec_path}); !s.ok()) return s;
  return events;
}

absl::Status SpecFileEvents::WatchFiles(const std::vector<std::string>& paths) {
  // The directory, not the file: editors replace files by renaming over them.
  const uint32_t mask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_ATTRIB;
  for (const std::string& file : paths) {
    const std::filesystem::path path = std::filesystem::absolute(file);
    const int wd = inotify_add_watch(inotify_fd_, path.parent_path().c_str(), mask);
    if (wd < 0) {
      return absl::FailedPreconditionError(fmt::format(
          "cannot watch {}: {}", path.parent_path().string(), std::strerror(errno)));
    }
    watched_[wd].insert(path.filename().string());
  }
  return absl::OkStatus();
}

SpecFileEvents::~SpecFileEvents() { close(inotify_fd_); }

bool SpecFileEvents::DrainMatches() {
  alignas(struct inotify_event) char buffer[8192];
  bool matched = false;
  for (;;) {
    ssize_t n = read(inotify_fd_, buffer, sizeof buffer);
    if (n <= 0) return matched;
    for (ssize_t offset = 0; offset < n;) {
      const auto* event = reinterpret_cast<const struct inotify_event*>(buffer + offset);
      if (event->len > 0) {
        auto dir = watched_.find(event->wd);
        if (dir != watched_.end() && dir->second.count(event->name) != 0) matched = true;
      }
      offset += static_cast<ssize_t>(sizeof(struct inotify_event) + event->len);
    }
  }
}

WatchEvents::Event SpecFileEvents::WaitUntil(absl::Time deadline) {
  for (;;) {
    if (StopRequested().load()) return Event::kStop;
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) return Event::kTimeout;
    struct pollfd fds[2] = {{inotify_fd_, POLLIN, 0}, {StopPipeReadFd(), POLLIN, 0}};
    int timeout_ms = static_cast<int>(std::min<int64_t>(absl::ToInt64Milliseconds(left) + 1, 1 << 30));
    int ready = poll(fds, 2, timeout_ms);
    if (ready < 0 && errno != EINTR) return Event::kStop;  // cannot wait: stop rather than spin
    if (fds[1].revents & POLLIN) return Event::kStop;
    if ((fds[0].revents & POLLIN) && DrainMatches()) {
      // Editors write in bursts (truncate, write, rename): let it settle.
      absl::SleepFor(absl::Milliseconds(100));
      DrainMatches();
      return Event::kSpecChanged;
    }
  }
}

}  // namespace reconcile::cli
