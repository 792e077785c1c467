// libssh_floor: the libssh reference for one cold pass over a fleet: per
// node a new session (key exchange, host key checked against known_hosts,
// public-key authentication) and one command on one channel, at most
// --parallel at once. Nothing of reconcile is used (no pool, no probe script,
// no retries), so this is what any libssh program pays: the floor the SSH
// driver's cold pass is read against (bench/fleet-compare.sh).
//
// usage: libssh_floor --nodes FILE --key FILE --known-hosts FILE [--parallel K]
//                     [--command CMD]
//   FILE lines: "name address port" (tests/lab/fleet.sh inventory --list)
// Prints: nodes=N parallel=K cold_s=S failures=F
#include <libssh/libssh.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "base/parallel.h"

namespace {

struct Target {
  std::string address;
  int port = 22;
};

struct Options {
  std::string nodes, key, known_hosts, command = "true";
  size_t parallel = 64;
};

// One login and one command; true when the command exited 0.
bool RunOnce(const Target& target, const Options& o, ssh_key key) {
  ssh_session session = ssh_new();
  if (session == nullptr) return false;
  int port = target.port;
  long timeout_s = 30;
  ssh_options_set(session, SSH_OPTIONS_HOST, target.address.c_str());
  ssh_options_set(session, SSH_OPTIONS_PORT, &port);
  ssh_options_set(session, SSH_OPTIONS_USER, "root");
  ssh_options_set(session, SSH_OPTIONS_KNOWNHOSTS, o.known_hosts.c_str());
  ssh_options_set(session, SSH_OPTIONS_TIMEOUT, &timeout_s);
  bool ok = ssh_connect(session) == SSH_OK &&
            ssh_session_is_known_server(session) == SSH_KNOWN_HOSTS_OK &&
            ssh_userauth_publickey(session, nullptr, key) == SSH_AUTH_SUCCESS;
  if (ok) {
    ssh_channel channel = ssh_channel_new(session);
    ok = channel != nullptr && ssh_channel_open_session(channel) == SSH_OK &&
         ssh_channel_request_exec(channel, o.command.c_str()) == SSH_OK;
    if (ok) {
      char buffer[4096];
      while (ssh_channel_read(channel, buffer, sizeof buffer, 0) > 0) {
      }
      ok = ssh_channel_get_exit_status(channel) == 0;
      ssh_channel_close(channel);
    }
    if (channel != nullptr) ssh_channel_free(channel);
  }
  ssh_disconnect(session);
  ssh_free(session);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--nodes") o.nodes = value;
    else if (flag == "--key") o.key = value;
    else if (flag == "--known-hosts") o.known_hosts = value;
    else if (flag == "--parallel") o.parallel = std::stoul(value);
    else if (flag == "--command") o.command = value;
  }
  if (o.nodes.empty() || o.key.empty() || o.known_hosts.empty()) {
    std::fprintf(stderr, "usage: libssh_floor --nodes FILE --key FILE --known-hosts FILE"
                         " [--parallel K] [--command CMD]\n");
    return 64;
  }
  std::vector<Target> targets;
  std::ifstream in(o.nodes);
  std::string name;
  Target t;
  while (in >> name >> t.address >> t.port) targets.push_back(t);
  ssh_init();
  ssh_key key = nullptr;
  if (ssh_pki_import_privkey_file(o.key.c_str(), nullptr, nullptr, nullptr, &key) != SSH_OK) {
    std::fprintf(stderr, "libssh_floor: cannot read key %s\n", o.key.c_str());
    return 1;
  }
  std::atomic<size_t> failures{0};
  const auto start = std::chrono::steady_clock::now();
  reconcile::ForEachBounded(targets.size(), o.parallel, [&](size_t i) {
    if (!RunOnce(targets[i], o, key)) ++failures;
  });
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  std::printf("nodes=%zu parallel=%zu cold_s=%.3f failures=%zu\n", targets.size(), o.parallel,
              took.count(), failures.load());
  ssh_key_free(key);
  ssh_finalize();
  return failures == 0 ? 0 : 1;
}
