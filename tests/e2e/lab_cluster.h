// Helpers for the reconciler's end-to-end suite: the spec it applies (written
// from the lab's values), the `reconcile` binary run in the foreground or in
// the background, virsh on the lab's libvirtd, and SSH into guests verified
// against the host keys recorded in their domains' metadata.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "drivers/libvirt/libvirt_hypervisor.h"
#include "fmt/format.h"
#include "tests/lab/command_runner.h"

namespace reconcile::testing {

// The lab's values a spec needs.
struct LabValues {
  std::string uri;          // the private libvirtd
  std::string image_dir;    // vmlinux, initramfs.cpio.gz (build-initramfs.sh)
  std::string identity;     // operator's private key; <identity>.pub is seeded
  std::string network = "rcl-lab";
  std::string pool = "rcl";
  std::string netns = "rcl-lab";
};

// specs/lab.yaml adapted to the lab: a `leader` node whose role writes a random
// token and exposes it as an output, and `members` nodes whose role writes that
// token into /etc/lab/token and runs a command with it.
inline std::string LabSpecYaml(const LabValues& lab, int members) {
  std::string yaml = R"(cluster: e2e
hypervisor:
  uri: "@URI@"
  network: @NETWORK@
  pool: @POOL@
ssh:
  user: root
  identity: @IDENTITY@
  netns: @NETNS@
  connect_timeout: 10s
images:
  tiny:
    kernel: @IMAGE@/vmlinux
    initrd: @IMAGE@/initramfs.cpio.gz
    cmdline: console=ttyS0 panic=-1 quiet
groups:
  leader: { count: 1, image: tiny, cpus: 1, memory: 256MiB, roles: [leader] }
  member: { count: @MEMBERS@, image: tiny, cpus: 1, memory: 256MiB, roles: [member] }
vars:
  greeting: hello from reconcile
roles:
  leader:
    steps:
      - name: token
        check: test -s /var/lib/lab/token
        run: mkdir -p /var/lib/lab && head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' > /var/lib/lab/token
    outputs:
      token:
        command: cat /var/lib/lab/token
        secret: true
  member:
    after: [leader]
    steps:
      - name: join
        files:
          - path: /etc/lab/token
            mode: "0600"
            content: "{{ role.leader.outputs.token }}\n"
        check: grep -qx {{ role.leader.outputs.token }} /var/lib/lab/joined
        run: mkdir -p /var/lib/lab && echo {{ role.leader.outputs.token }} > /var/lib/lab/joined && echo {{ vars.greeting }} > /var/lib/lab/motd
policy:
  prune: true
  parallel: 4
  retries: 3
  interval: 1m
)";
  return absl::StrReplaceAll(yaml, {{"@URI@", lab.uri},
                                    {"@NETWORK@", lab.network},
                                    {"@POOL@", lab.pool},
                                    {"@IDENTITY@", lab.identity},
                                    {"@NETNS@", lab.netns},
                                    {"@IMAGE@", lab.image_dir},
                                    {"@MEMBERS@", std::to_string(members)}});
}

// The libvirt driver for `cluster` on the lab's daemon at `uri`, for reading
// what the CLI made (ownership metadata, host keys, addresses); null when it
// cannot connect.
inline std::unique_ptr<drivers::Hypervisor> LabDriver(const std::string& cluster,
                                                      const std::string& uri) {
  drivers::libvirt::LibvirtOptions options;
  options.cluster = cluster;
  options.uris = {uri};
  auto made = drivers::libvirt::MakeLibvirtHypervisor(options);
  return made.ok() ? *std::move(made) : nullptr;
}

// The real CLI; RECONCILE_BINARY comes from CMake ($<TARGET_FILE:reconcile>).
inline CommandResult Reconcile(const std::string& args) {
  return RunCommand(fmt::format("{} {} 2>&1", RECONCILE_BINARY, args));
}

// As Reconcile, but a run still going after `limit` is killed, exits 124,
// and its output ends in its threads' stacks (tests/lab/bounded.sh), so a
// hang fails the one test and says where, instead of the suite's timeout.
inline CommandResult ReconcileBounded(const std::string& args, absl::Duration limit) {
  return RunCommand(fmt::format("tests/lab/bounded.sh {} {} {} 2>&1",
                                absl::ToInt64Seconds(limit), RECONCILE_BINARY, args));
}

// `reconcile <args...>` in the background, stdout and stderr to `log_path`.
// `wrapper` (a program and its arguments that ends by exec'ing the binary it is
// given, e.g. `env X=y tests/lab/remote-operator.sh`) runs it, so the PID stays
// reconcile's.
class BackgroundReconcile {
 public:
  BackgroundReconcile(const std::vector<std::string>& args, const std::string& log_path,
                      const std::vector<std::string>& wrapper = {}) {
    pid_ = fork();
    if (pid_ == 0) {
      const int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
      }
      std::vector<char*> argv;
      for (const std::string& w : wrapper) argv.push_back(const_cast<char*>(w.c_str()));
      argv.push_back(const_cast<char*>(RECONCILE_BINARY));
      for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
  }
  BackgroundReconcile(const BackgroundReconcile&) = delete;
  BackgroundReconcile& operator=(const BackgroundReconcile&) = delete;
  // A test that failed half way still leaves no process behind.
  ~BackgroundReconcile() {
    if (pid_ > 0 && exit_code_ == kRunning) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  pid_t pid() const { return pid_; }

  // Sends SIGTERM and waits; the exit code, or -1 when killed by a signal.
  int Terminate() { return Signal(SIGTERM); }
  // Sends `signal` and waits, as Terminate.
  int Signal(int signal) {
    if (pid_ <= 0 || exit_code_ != kRunning) return exit_code_;
    kill(pid_, signal);
    return Wait();
  }
  // True while the process has not ended (never blocks).
  bool Running() {
    if (pid_ <= 0 || exit_code_ != kRunning) return false;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == 0) return true;
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return false;
  }
  // Waits for the process to end by itself; its exit code, or -1 for a signal.
  int Wait() {
    if (pid_ <= 0 || exit_code_ != kRunning) return exit_code_;
    int status = 0;
    waitpid(pid_, &status, 0);
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return exit_code_;
  }

 private:
  static constexpr int kRunning = -2;
  pid_t pid_ = -1;
  int exit_code_ = kRunning;
};

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline std::string Trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

// `command` as root (sudo -n) on the managed domain `node`, over SSH as
// `user` from inside namespace `netns`, trusting only the host key recorded
// in the domain's metadata (what real cloud-init installed from the seed).
// `work_dir` holds the per-node known_hosts file.
inline CommandResult SudoOverSsh(drivers::Hypervisor& libvirt, const std::string& netns,
                                 const std::string& user, const std::string& key,
                                 const std::string& work_dir, const std::string& node,
                                 const std::string& command) {
  absl::StatusOr<drivers::DomainInfo> info = libvirt.GetDomain(node);
  if (!info.ok() || !info->owner) return {-1, node + ": not a managed domain"};
  absl::StatusOr<std::string> ip = libvirt.DiscoverAddress(node, absl::Seconds(120));
  if (!ip.ok()) return {-1, node + ": no address: " + ip.status().ToString()};
  const std::string known = work_dir + "/known_hosts-" + node;
  std::ofstream(known) << *ip << " " << info->owner->host_public_key << "\n";
  return RunCommand(fmt::format(
      "ip netns exec {} ssh -i {} -o BatchMode=yes -o StrictHostKeyChecking=yes -o "
      "ConnectTimeout=5 -o LogLevel=ERROR -o UserKnownHostsFile={} {}@{} sudo -n sh -c {} 2>&1",
      netns, ShellQuote(key), ShellQuote(known), user, *ip, ShellQuote(ShellQuote(command))));
}

}  // namespace reconcile::testing
