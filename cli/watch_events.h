// The operating system's side of `reconcile watch`: wakes the loop when the
// spec file changes (inotify on its directory, since editors replace files by
// renaming) or when SIGINT/SIGTERM asks it to stop.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "reconciler/watch.h"

namespace reconcile::cli {

class SpecFileEvents final : public WatchEvents {
 public:
  // Watches `spec_path` and installs the SIGINT/SIGTERM handlers (one
  // instance per process). The returned object restores nothing on exit: the
  // process is ending.
  static absl::StatusOr<std::unique_ptr<SpecFileEvents>> Create(const std::string& spec_path);
  ~SpecFileEvents() override;

  Event WaitUntil(absl::Time deadline) override;

  // Set by SIGINT/SIGTERM: the executor starts nothing new once it is set.
  static const std::atomic<bool>& StopRequested();

 private:
  SpecFileEvents(int inotify_fd, std::string file_name)
      : inotify_fd_(inotify_fd), file_name_(std::move(file_name)) {}
  bool DrainMatches();  // reads pending inotify events; true if one names the spec

  int inotify_fd_;
  std::string file_name_;
};

}  // namespace reconcile::cli
