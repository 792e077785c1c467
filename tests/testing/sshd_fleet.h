// A real sshd fleet (tests/lab/fleet.sh: one network namespace and sshd per
// node) for one test suite. Each suite names its own prefix and /16, so
// suites never collide: prefix "rcsp" gives nodes rcsp-1, rcsp-2, ... on the
// bridge rcspbr0, in /tmp/reconcile-fleet-rcsp. Call Up() from
// SetUpTestSuite and Down() from TearDownTestSuite; the fleet survives
// between the tests of the suite.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace reconcile::testing {

class SshdFleet {
 public:
  SshdFleet(std::string prefix, std::string net)
      : prefix_(std::move(prefix)), net_(std::move(net)), dir_("/tmp/reconcile-fleet-" + prefix_) {}

  // Why this machine cannot run a fleet ("" when it can).
  static std::string CannotRun() {
    return ::geteuid() == 0 ? "" : "the sshd fleet needs root (network namespaces, sshd)";
  }

  // Removes what a crashed earlier run left, then starts `nodes` nodes.
  // "" or what failed.
  std::string Up(int nodes) const {
    if (Script("down --purge") != 0) return "could not clean up a previous fleet";
    if (Script("up " + std::to_string(nodes)) != 0) {
      return "could not start the fleet (tests/lab/fleet.sh up " + std::to_string(nodes) + ")";
    }
    return "";
  }
  bool Down() const { return Script("down --purge") == 0; }
  // tests/lab/fleet.sh ARGS on this fleet ("stop 3", "up 5"); its exit status.
  int Script(const std::string& args) const {
    Export();
    return Shell("tests/lab/fleet.sh " + args);
  }
  // Where the fleet keeps its keys and nodes.
  const std::filesystem::path& dir() const { return dir_; }

  std::string Name(int k) const { return prefix_ + "-" + std::to_string(k); }
  // fleet.sh's numbering: 250 nodes per /24 from <net>.1.1.
  std::string Address(int k) const {
    const int i = k - 1;
    return net_ + "." + std::to_string(i / 250 + 1) + "." + std::to_string(i % 250 + 1);
  }
  // The node's host key, "ssh-ed25519 AAAA... <name>".
  std::string HostKeyLine(int k) const {
    std::string line = Slurp(dir_ / "keys/hostkeys" / (Name(k) + ".pub"));
    while (!line.empty() && line.back() == '\n') line.pop_back();
    return line;
  }
  // known_hosts lines for nodes 1..n.
  std::string KnownHosts(int n) const {
    std::string text;
    for (int k = 1; k <= n; ++k) text += Address(k) + " " + HostKeyLine(k) + "\n";
    return text;
  }
  // The client key every node authorizes for root.
  std::string ClientKey() const { return (dir_ / "keys/id_ed25519").string(); }
  // What node k sees as /root.
  std::filesystem::path Home(int k) const { return dir_ / "run/nodes" / Name(k) / "home"; }

  // Runs `command` in node k's mount namespace as root, not through
  // reconcile; its exit status.
  int Exec(int k, const std::string& command) const {
    return Shell("nsenter --target $(cat " + (dir_ / "run/nodes" / Name(k) / "sshd.pid").string() +
                 ") --mount sh -c '" + command + "'");
  }

  static std::string Slurp(const std::filesystem::path& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  // `command` through sh with its output discarded; its exit status.
  static int Shell(const std::string& command) {
    const int rc = std::system((command + " >/dev/null 2>&1").c_str());
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  }

 private:
  void Export() const {
    ::setenv("FLEET_DIR", dir_.c_str(), 1);
    ::setenv("FLEET_PREFIX", (prefix_ + "-").c_str(), 1);
    ::setenv("FLEET_NET", net_.c_str(), 1);
    ::setenv("FLEET_BRIDGE", (prefix_ + "br0").c_str(), 1);
  }
  std::string prefix_;
  std::string net_;
  std::filesystem::path dir_;
};

}  // namespace reconcile::testing
