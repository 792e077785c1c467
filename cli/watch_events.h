// The operating system's side of `reconcile watch`: wakes the loop when the
// spec file changes (inotify on its directory, since editors replace files by
// renaming) or when SIGINT/SIGTERM asks it to stop (cli/stop_signal.h).
#pragma once

#include <map>
#include <memory>
#include <set>
#include <vector>
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

  // Also reports changes of these files (what the spec refers to: NixOS
  // modules, secret files), as a spec change. Watches add up.
  absl::Status WatchFiles(const std::vector<std::string>& paths);

 private:
  explicit SpecFileEvents(int inotify_fd) : inotify_fd_(inotify_fd) {}
  bool DrainMatches();  // reads pending inotify events; true if one names a watched file

  int inotify_fd_;
  // Watched directory (inotify descriptor) -> the file names in it that count.
  std::map<int, std::set<std::string>> watched_;
};

}  // namespace reconcile::cli
