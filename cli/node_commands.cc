#include "cli/node_commands.h"

#include <unistd.h>

#include <cstdlib>

#include "cli/node_access.h"
#include "cli/openssh_command.h"
#include "cli/run_program.h"
#include "fmt/format.h"

namespace reconcile::cli {
namespace {

// Waiting for a running node's address: it is normally known at once (a DHCP
// lease), so this only bounds a node that is still booting.
constexpr absl::Duration kAddressWait = absl::Seconds(20);

// A 0600 file holding `text`, removed when this goes out of scope.
class TempFile {
 public:
  static absl::StatusOr<TempFile> Write(const std::string& text) {
    const char* tmp = std::getenv("TMPDIR");
    std::string path = fmt::format("{}/reconcile-known-hosts-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    const int fd = mkstemp(path.data());  // creates it 0600
    if (fd < 0) return absl::InternalError(fmt::format("cannot create {}", path));
    const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ::close(fd);
    TempFile file(path);
    if (!written) return absl::InternalError(fmt::format("cannot write {}", path));
    return file;
  }
  TempFile(TempFile&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  TempFile(const TempFile&) = delete;
  ~TempFile() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  const std::string& path() const { return path_; }

 private:
  explicit TempFile(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

std::string DefaultKnownHosts(const std::string& spec_file) {
  return spec_file.empty() ? ExpandUser("~/.ssh/known_hosts") : spec_file;
}

}  // namespace

int RunKnownHosts(const KnownHostsOptions& options, std::ostream& out, std::ostream& err) {
  absl::StatusOr<ClusterSession> session = OpenCluster(options.target, err);
  if (!session.ok()) return 1;
  NodeAccess access(*session);
  const model::Spec& spec = session->desired.spec;
  int code = 0;
  out << fmt::format(
      "# cluster {}: the host keys reconcile generated for its nodes, as recorded in their "
      "domains\n",
      spec.cluster);
  for (const model::Node& node : session->desired.nodes) {
    if (node.existing) {
      out << fmt::format("# {}: an existing machine, verified against {}\n", node.name,
                         DefaultKnownHosts(spec.ssh.known_hosts));
      continue;
    }
    std::optional<drivers::DomainInfo> domain = access.Domain(node.name);
    if (!domain) {
      out << fmt::format("# {}: not created\n", node.name);
      continue;
    }
    const std::string& key = domain->owner->host_public_key;
    if (key.empty()) {
      err << fmt::format("reconcile known-hosts: {}: the domain records no host key\n", node.name);
      code = 1;
      continue;
    }
    std::string address;
    if (domain->state == model::DomainState::kRunning) {
      absl::StatusOr<drivers::SshTarget> target = access.Target(node, kAddressWait);
      if (target.ok()) {
        address = target->host;
      } else {
        err << fmt::format("reconcile known-hosts: {}: listed by name only: {}\n", node.name,
                           std::string(target.status().message()));
      }
    }
    for (const std::string& line : KnownHostsLines(node.name, address, spec.ssh.port, key)) {
      out << line << "\n";
    }
  }
  for (const auto& [host, why] : access.unreachable()) {
    err << fmt::format("reconcile known-hosts: host {} could not be listed: {}\n", host, why);
    code = 1;
  }
  return code;
}

int RunSsh(const SshOptions& options, std::ostream& err) {
  absl::StatusOr<ClusterSession> session = OpenCluster(options.target, err);
  if (!session.ok()) return 1;
  NodeAccess access(*session);
  absl::StatusOr<const model::Node*> node = access.Find(options.node);
  if (!node.ok()) {
    err << "reconcile ssh: " << node.status().message() << "\n";
    return 1;
  }
  absl::StatusOr<drivers::SshTarget> target = access.Target(**node, kAddressWait);
  if (!target.ok()) {
    err << "reconcile ssh: " << target.status().message() << "\n";
    return 1;
  }
  std::optional<TempFile> recorded;
  std::string known_hosts = DefaultKnownHosts(target->known_hosts_file);
  if (!target->expected_host_keys.empty()) {
    std::string lines;
    for (const std::string& key : target->expected_host_keys) {
      for (const std::string& line : KnownHostsLines(target->node, "", target->port, key)) {
        lines += line + "\n";
      }
    }
    absl::StatusOr<TempFile> file = TempFile::Write(lines);
    if (!file.ok()) {
      err << "reconcile ssh: " << file.status().message() << "\n";
      return 1;
    }
    known_hosts = file->path();
    recorded.emplace(*std::move(file));
  }
  absl::StatusOr<int> status =
      RunProgram(OpenSshArgv(*target, known_hosts, options.command),
                 "Debian's openssh-client package provides it");
  if (!status.ok()) {
    err << "reconcile ssh: " << status.status().message() << "\n";
    return 1;
  }
  return *status;
}

int RunConsole(const ConsoleOptions& options, std::ostream& err) {
  absl::StatusOr<ClusterSession> session = OpenCluster(options.target, err);
  if (!session.ok()) return 1;
  NodeAccess access(*session);
  absl::StatusOr<const model::Node*> node = access.Find(options.node);
  if (!node.ok()) {
    err << "reconcile console: " << node.status().message() << "\n";
    return 1;
  }
  if ((*node)->existing) {
    err << fmt::format(
        "reconcile console: {} is an existing machine (hosts:): reconcile knows no console of "
        "it\n",
        options.node);
    return 1;
  }
  if (!access.Domain(options.node)) {
    err << fmt::format("reconcile console: {} is not created yet (run reconcile apply)\n",
                       options.node);
    return 1;
  }
  const std::string uri = access.HostUri(options.node);
  err << fmt::format("reconcile: the serial console of {} on {}; leave with Ctrl+]\n",
                     options.node, uri)
      << std::flush;
  absl::StatusOr<int> status = RunProgram({"virsh", "-c", uri, "console", options.node},
                                          "Debian's libvirt-clients package provides virsh");
  if (!status.ok()) {
    err << "reconcile console: " << status.status().message() << "\n";
    return 1;
  }
  return *status;
}

}  // namespace reconcile::cli
