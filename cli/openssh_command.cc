#include "cli/openssh_command.h"

#include "fmt/format.h"

namespace reconcile::cli {

std::vector<std::string> KnownHostsLines(const std::string& node, const std::string& address,
                                         int port, const std::string& public_key) {
  auto pattern = [port](const std::string& host) {
    return port == 22 ? host : fmt::format("[{}]:{}", host, port);
  };
  std::vector<std::string> lines = {fmt::format("{} {}", node, public_key)};
  if (!address.empty()) lines.push_back(fmt::format("{} {}", pattern(address), public_key));
  return lines;
}

std::vector<std::string> OpenSshArgv(const drivers::SshTarget& target,
                                     const std::string& known_hosts_file,
                                     const std::vector<std::string>& command) {
  std::vector<std::string> argv;
  if (!target.netns.empty()) argv = {"ip", "netns", "exec", target.netns};
  argv.insert(argv.end(), {"ssh", "-o", "StrictHostKeyChecking=yes", "-o",
                           "UserKnownHostsFile=" + known_hosts_file, "-o",
                           "GlobalKnownHostsFile=/dev/null", "-o", "UpdateHostKeys=no", "-p",
                           std::to_string(target.port), "-l", target.user});
  if (!target.expected_host_keys.empty()) {
    // Looked up by the node's name: its address may change, its key does not.
    argv.insert(argv.end(), {"-o", "HostKeyAlias=" + target.node, "-o", "CheckHostIP=no"});
  }
  if (!target.identity_file.empty()) argv.insert(argv.end(), {"-i", target.identity_file});
  if (!target.jump_host.empty()) argv.insert(argv.end(), {"-J", target.jump_host});
  argv.push_back("--");
  argv.push_back(target.host);
  argv.insert(argv.end(), command.begin(), command.end());
  return argv;
}

}  // namespace reconcile::cli
