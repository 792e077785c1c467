#include "tests/testing/fake_node_shell.h"

#include <algorithm>

#include <regex>
#include <sstream>

#include "fmt/format.h"
#include "model/sha256.h"

namespace reconcile::testing {

using drivers::CommandResult;

void FakeNodeShell::SetHandler(Handler handler) {
  absl::MutexLock lock(&mu_);
  handler_ = std::move(handler);
}

void FakeNodeShell::SetDown(const std::string& node, bool down) {
  absl::MutexLock lock(&mu_);
  if (down) {
    down_.insert(node);
  } else {
    down_.erase(node);
  }
}

void FakeNodeShell::SetHostKey(const std::string& node, const std::string& key) {
  absl::MutexLock lock(&mu_);
  host_keys_[node] = key;
}

std::vector<std::string> FakeNodeShell::commands(const std::string& node) {
  absl::MutexLock lock(&mu_);
  return commands_[node];
}

FakeNodeShell::Files FakeNodeShell::files(const std::string& node) {
  absl::MutexLock lock(&mu_);
  return files_[node];
}

void FakeNodeShell::WriteFile(const std::string& node, const std::string& path,
                              const std::string& content) {
  absl::MutexLock lock(&mu_);
  files_[node][path] = content;
}

void FakeNodeShell::EraseFile(const std::string& node, const std::string& path) {
  absl::MutexLock lock(&mu_);
  files_[node].erase(path);
}

std::vector<drivers::SshTarget> FakeNodeShell::targets() {
  absl::MutexLock lock(&mu_);
  return targets_;
}

int FakeNodeShell::probes() const {
  absl::MutexLock lock(&mu_);
  return probes_;
}

absl::Status FakeNodeShell::Dial(const drivers::SshTarget& target) {
  targets_.push_back(target);
  if (down_.count(target.node)) {
    return absl::UnavailableError(fmt::format("{} ({}): connection refused", target.node, target.host));
  }
  auto key = host_keys_.find(target.node);
  if (key != host_keys_.end() && !target.expected_host_keys.empty() &&
      std::find(target.expected_host_keys.begin(), target.expected_host_keys.end(),
                key->second) == target.expected_host_keys.end()) {
    return absl::FailedPreconditionError(fmt::format("{}: host key mismatch", target.node));
  }
  return absl::OkStatus();
}

CommandResult FakeNodeShell::Execute(const std::string& node, const std::string& command) {
  commands_[node].push_back(command);
  Files& files = files_[node];
  if (handler_) {
    if (std::optional<CommandResult> answer = handler_(node, command, files)) return *answer;
  }
  // The probe's file check: test ! -e LIST || sha256sum -c LIST
  static const std::regex kDigestCheck(R"(^test ! -e (\S+) \|\| sha256sum -c \1$)");
  if (std::smatch m; std::regex_match(command, m, kDigestCheck)) {
    auto list = files.find(m[1].str());
    if (list == files.end()) return CommandResult{.exit_status = 0};
    std::istringstream lines(list->second);
    for (std::string digest, path; lines >> digest >> path;) {
      auto file = files.find(path);
      if (file == files.end() || model::Sha256Hex(file->second) != digest) {
        return CommandResult{.exit_status = 1};
      }
    }
    return CommandResult{.exit_status = 0};
  }
  if (command.rfind("test -f ", 0) == 0) {
    return CommandResult{.exit_status = files.count(command.substr(8)) ? 0 : 1};
  }
  if (command.rfind("cat ", 0) == 0) {
    auto it = files.find(command.substr(4));
    if (it == files.end()) return CommandResult{.exit_status = 1, .stderr_data = "No such file"};
    return CommandResult{.exit_status = 0, .stdout_data = it->second};
  }
  // What ClusterActions itself runs around uploads and records.
  if (command.rfind("mkdir -p ", 0) == 0) return CommandResult{.exit_status = 0};
  if (accept_every_command_ || accepted_programs_.count(command.substr(0, command.find(' ')))) {
    return CommandResult{.exit_status = 0};
  }
  // As a shell does: a command nobody taught the fake is not found. Before,
  // every unknown command "succeeded", so a step that could never run passed.
  return CommandResult{.exit_status = 127,
                       .stderr_data = "fake shell: " + command.substr(0, command.find(' ')) +
                                      ": command not found"};
}

absl::StatusOr<CommandResult> FakeNodeShell::Run(const drivers::SshTarget& target,
                                                 std::string_view command, absl::Time) {
  absl::MutexLock lock(&mu_);
  if (absl::Status s = Dial(target); !s.ok()) return s;
  return Execute(target.node, std::string(command));
}

absl::Status FakeNodeShell::Upload(const drivers::SshTarget& target, std::string_view path,
                                   std::string_view content, uint32_t, std::string_view,
                                   absl::Time) {
  absl::MutexLock lock(&mu_);
  if (absl::Status s = Dial(target); !s.ok()) return s;
  files_[target.node][std::string(path)] = std::string(content);
  return absl::OkStatus();
}

absl::StatusOr<std::string> FakeNodeShell::ReadFile(const drivers::SshTarget& target,
                                                    std::string_view path, size_t, absl::Time) {
  absl::MutexLock lock(&mu_);
  if (absl::Status s = Dial(target); !s.ok()) return s;
  auto it = files_[target.node].find(std::string(path));
  if (it == files_[target.node].end()) return absl::NotFoundError(std::string(path));
  return it->second;
}

absl::StatusOr<drivers::ProbeResult> FakeNodeShell::Probe(const drivers::SshTarget& target,
                                                          const drivers::ProbeRequest& request,
                                                          absl::Time) {
  absl::MutexLock lock(&mu_);
  if (absl::Status s = Dial(target); !s.ok()) return s;
  ++probes_;
  drivers::ProbeResult result;
  result.hostname = target.node;
  result.boot_id = "boot-" + target.node;
  const Files& files = files_[target.node];
  for (const std::string& role : request.roles) {
    auto it = files.find(request.state_dir + "/roles/" + role + ".hash");
    if (it != files.end()) result.role_hashes[role] = it->second;
  }
  for (const drivers::ProbeCheck& check : request.checks) {
    result.check_exit_status[check.id] = Execute(target.node, check.command).exit_status;
  }
  return result;
}

}  // namespace reconcile::testing
