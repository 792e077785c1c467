#include "drivers/ssh/ssh_node_shell.h"

#include <random>

#include "drivers/ssh/probe_script.h"
#include "fmt/format.h"

namespace reconcile::drivers::ssh {
namespace {

absl::Status StatusOf(const absl::Status& s) { return s; }
template <typename T>
absl::Status StatusOf(const absl::StatusOr<T>& s) {
  return s.status();
}

std::string NewNonce() {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string nonce(16, 'x');
  for (char& c : nonce) c = kAlphabet[rng() % (sizeof kAlphabet - 1)];
  return nonce;
}

}  // namespace

template <typename Result, typename Op>
Result SshNodeShell::WithSession(const SshTarget& target, absl::Time deadline, Op op) {
  absl::StatusOr<SessionPool::Lease> lease = pool_.Acquire(target, deadline);
  if (!lease.ok()) return lease.status();
  Result result = op(**lease);
  if (!StatusOf(result).ok() && lease->reused() &&
      (*lease)->health() == SessionHealth::kBrokenBeforeRequest) {
    if (absl::Status redial = lease->Redial(pool_, deadline); !redial.ok()) return redial;
    result = op(**lease);
  }
  return result;
}

absl::StatusOr<CommandResult> SshNodeShell::Run(const SshTarget& target,
                                                std::string_view command, absl::Time deadline) {
  return WithSession<absl::StatusOr<CommandResult>>(target, deadline, [&](SshSession& s) {
    return s.Exec(command, deadline, options_.max_output_bytes);
  });
}

absl::Status SshNodeShell::Upload(const SshTarget& target, std::string_view path,
                                  std::string_view content, uint32_t mode,
                                  std::string_view owner, absl::Time deadline) {
  return WithSession<absl::Status>(target, deadline, [&](SshSession& s) {
    return s.Upload(path, content, mode, owner, deadline);
  });
}

absl::StatusOr<std::string> SshNodeShell::ReadFile(const SshTarget& target,
                                                   std::string_view path, size_t max_bytes,
                                                   absl::Time deadline) {
  return WithSession<absl::StatusOr<std::string>>(target, deadline, [&](SshSession& s) {
    return s.ReadFile(path, max_bytes, deadline);
  });
}

absl::StatusOr<ProbeResult> SshNodeShell::Probe(const SshTarget& target,
                                                const ProbeRequest& request,
                                                absl::Time deadline) {
  const std::string nonce = NewNonce();
  absl::StatusOr<std::string> script = BuildProbeScript(request, nonce);
  if (!script.ok()) {
    return absl::InvalidArgumentError(
        fmt::format("probe of node {}: {}", target.node, std::string(script.status().message())));
  }
  absl::StatusOr<std::string> output =
      WithSession<absl::StatusOr<std::string>>(target, deadline, [&](SshSession& s) {
        return s.RunScript(*script, ProbeEndMarker(nonce), deadline, options_.max_output_bytes);
      });
  if (!output.ok()) return output.status();
  absl::StatusOr<ProbeResult> parsed = ParseProbeOutput(request, nonce, *output);
  if (!parsed.ok()) {
    return absl::Status(
        parsed.status().code(),
        fmt::format("probe of node {}: {}", target.node, std::string(parsed.status().message())));
  }
  return parsed;
}

}  // namespace reconcile::drivers::ssh
