// NodeShell over libssh with a session pool (see drivers/node_shell.h).
#pragma once

#include <cstddef>

#include "drivers/node_shell.h"
#include "drivers/ssh/session_pool.h"

namespace reconcile::drivers::ssh {

struct SshShellOptions {
  size_t max_output_bytes = 8 << 20;  // per stream, per Run
};

class SshNodeShell : public NodeShell {
 public:
  explicit SshNodeShell(SshShellOptions options = {}) : options_(options) {}

  absl::StatusOr<CommandResult> Run(const SshTarget& target, std::string_view command,
                                    absl::Time deadline) override;
  absl::Status Upload(const SshTarget& target, std::string_view path, std::string_view content,
                      uint32_t mode, std::string_view owner, absl::Time deadline) override;
  absl::StatusOr<std::string> ReadFile(const SshTarget& target, std::string_view path,
                                       size_t max_bytes, absl::Time deadline) override;
  absl::StatusOr<ProbeResult> Probe(const SshTarget& target, const ProbeRequest& request,
                                    absl::Time deadline) override;

  SessionPool& pool() { return pool_; }

 private:
  // Runs op on the node's pooled session. When a reused session turns out to
  // have died before the request reached the node, it is re-dialled and op is
  // tried once more; anything later is reported, never silently repeated.
  template <typename Result, typename Op>
  Result WithSession(const SshTarget& target, absl::Time deadline, Op op);

  SshShellOptions options_;
  SessionPool pool_;
};

}  // namespace reconcile::drivers::ssh
