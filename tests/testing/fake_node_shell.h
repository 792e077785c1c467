// An in-memory NodeShell for reconciler tests. Each node has a file map; a
// command is answered by the test's handler when it has an answer, otherwise
// by a few built-ins (`test -f PATH`, `cat PATH`, `mkdir -p`, the probe's
// sha256sum file check); anything else exits 127, as an unknown command does. Every command is recorded per node; nodes can be taken down.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "drivers/node_shell.h"

namespace reconcile::testing {

class FakeNodeShell : public drivers::NodeShell {
 public:
  using Files = std::map<std::string, std::string>;
  using Handler = std::function<std::optional<drivers::CommandResult>(
      const std::string& node, const std::string& command, Files& files)>;

  void SetHandler(Handler handler);
  // Commands neither the handler nor a built-in answers exit 127 ("command
  // not found"), as on a node; a test whose steps are placeholders says so.
  // Commands whose first word is `program` exit 0 (a placeholder step).
  void Accept(const std::string& program) {
    absl::MutexLock lock(&mu_);
    accepted_programs_.insert(program);
  }
  void AcceptEveryCommand() {
    absl::MutexLock lock(&mu_);
    accept_every_command_ = true;
  }
  void SetDown(const std::string& node, bool down);  // calls fail kUnavailable
  // The host key the node presents; calls whose target expects another fail.
  void SetHostKey(const std::string& node, const std::string& key);

  std::vector<std::string> commands(const std::string& node);
  Files files(const std::string& node);
  void WriteFile(const std::string& node, const std::string& path, const std::string& content);
  void EraseFile(const std::string& node, const std::string& path);
  std::vector<drivers::SshTarget> targets();  // every target dialled, in order
  int probes() const;

  absl::StatusOr<drivers::CommandResult> Run(const drivers::SshTarget& target,
                                             std::string_view command,
                                             absl::Time deadline) override;
  absl::Status Upload(const drivers::SshTarget& target, std::string_view path,
                      std::string_view content, uint32_t mode, std::string_view owner,
                      absl::Time deadline) override;
  absl::StatusOr<std::string> ReadFile(const drivers::SshTarget& target, std::string_view path,
                                       size_t max_bytes, absl::Time deadline) override;
  absl::StatusOr<drivers::ProbeResult> Probe(const drivers::SshTarget& target,
                                             const drivers::ProbeRequest& request,
                                             absl::Time deadline) override;

 private:
  absl::Status Dial(const drivers::SshTarget& target) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  drivers::CommandResult Execute(const std::string& node, const std::string& command)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  Handler handler_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, Files> files_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::vector<std::string>> commands_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::string> host_keys_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> down_ ABSL_GUARDED_BY(mu_);
  std::vector<drivers::SshTarget> targets_ ABSL_GUARDED_BY(mu_);
  int probes_ ABSL_GUARDED_BY(mu_) = 0;
  bool accept_every_command_ ABSL_GUARDED_BY(mu_) = false;
  std::set<std::string> accepted_programs_ ABSL_GUARDED_BY(mu_);
};

}  // namespace reconcile::testing
