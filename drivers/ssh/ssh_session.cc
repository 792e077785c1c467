#include "drivers/ssh/ssh_session.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "base/status_macros.h"
#include "base/text.h"
#include "drivers/libssh_key.h"
#include "drivers/ssh/become.h"
#include "drivers/ssh/dial.h"
#include "drivers/ssh/host_key_policy.h"
#include "drivers/ssh/known_hosts.h"
#include "drivers/ssh/libssh_init.h"
#include "fmt/format.h"

namespace reconcile::drivers::ssh {
namespace {

std::string AddressOf(const SshTarget& t) {
  bool v6 = t.host.find(':') != std::string::npos;
  return v6 ? fmt::format("[{}]:{}", t.host, t.port) : fmt::format("{}:{}", t.host, t.port);
}

absl::StatusOr<std::vector<HostKey>> ExpectedKeys(const Peer& peer, const SshTarget& t) {
  std::vector<HostKey> keys;
  for (const std::string& line : t.expected_host_keys) {
    absl::StatusOr<HostKey> key = ParseOpenSshPublicKey(line);
    if (!key.ok()) {
      return absl::InvalidArgumentError(fmt::format("expected host key for {}: {}", Describe(peer),
                                                    std::string(key.status().message())));
    }
    keys.push_back(*std::move(key));
  }
  return keys;
}

// Gathers the evidence DecideHostKey needs from a session past key exchange.
absl::StatusOr<HostKeyEvidence> GatherEvidence(ssh_session s, const Peer& peer,
                                               const SshTarget& t, std::vector<HostKey> expected,
                                               const KnownHostKeys* known_hosts) {
  HostKeyEvidence e;
  e.expected = std::move(expected);
  e.accept_unknown = t.accept_unknown_host_keys;
  ssh_key raw = nullptr;
  if (ssh_get_server_publickey(s, &raw) != SSH_OK) {
    return TransportError(peer, "read host key", ssh_get_error(s));
  }
  SshKeyPtr server(raw);
  char* b64 = nullptr;
  if (ssh_pki_export_pubkey_base64(server.get(), &b64) != SSH_OK) {
    return TransportError(peer, "encode host key", ssh_get_error(s));
  }
  const char* type = ssh_key_type_to_char(ssh_key_type(server.get()));  // NULL if unknown
  std::string line = fmt::format("{} {}", type != nullptr ? type : "", b64);
  ssh_string_free_char(b64);
  ASSIGN_OR_RETURN(e.presented, ParseOpenSshPublicKey(line));
  if (e.expected.empty() && known_hosts != nullptr) {
    e.known_hosts_file = t.known_hosts_file;
    e.known_hosts = CheckKnownHosts(*known_hosts, e.presented, &e.known_hosts_fingerprint);
  }
  return e;
}

absl::Status Authenticate(ssh_session s, const Peer& peer, const SshTarget& t) {
  if (!t.identity_file.empty()) {
    ssh_key raw = nullptr;
    if (ssh_pki_import_privkey_file(t.identity_file.c_str(), nullptr, nullptr, nullptr, &raw) !=
        SSH_OK) {
      return absl::FailedPreconditionError(fmt::format(
          "identity file '{}' for {} cannot be read (missing, unreadable or passphrase-protected)",
          t.identity_file, Describe(peer)));
    }
    SshKeyPtr key(raw);
    int rc = ssh_userauth_publickey(s, nullptr, key.get());
    if (rc == SSH_AUTH_SUCCESS) return absl::OkStatus();
    if (rc == SSH_AUTH_ERROR) return TransportError(peer, "authenticate", ssh_get_error(s));
    if (std::getenv("SSH_AUTH_SOCK") == nullptr) {
      return AuthError(peer, t.user, fmt::format("key {} was not accepted", t.identity_file));
    }
  }
  int rc = std::getenv("SSH_AUTH_SOCK") != nullptr ? ssh_userauth_agent(s, nullptr)
                                                   : SSH_AUTH_DENIED;
  if (rc != SSH_AUTH_SUCCESS && rc != SSH_AUTH_ERROR && t.identity_file.empty()) {
    rc = ssh_userauth_publickey_auto(s, nullptr, nullptr);
  }
  if (rc == SSH_AUTH_SUCCESS) return absl::OkStatus();
  if (rc == SSH_AUTH_ERROR) return TransportError(peer, "authenticate", ssh_get_error(s));
  return AuthError(peer, t.user, "no offered key (identity file, agent, default keys) was accepted");
}

}  // namespace

absl::StatusOr<std::unique_ptr<SshSession>> SshSession::Connect(const SshTarget& t,
                                                                absl::Time deadline) {
  EnsureLibsshInitialized();
  Peer peer{t.node, t.jump_host.empty() ? AddressOf(t)
                                        : fmt::format("{} via {}", AddressOf(t), t.jump_host)};
  if (t.node.empty() || t.host.empty() || t.port <= 0 || t.port > 65535) {
    return absl::InvalidArgumentError(
        fmt::format("ssh target for {} needs a node name, host and port", Describe(peer)));
  }
  ASSIGN_OR_RETURN(std::vector<HostKey> expected, ExpectedKeys(peer, t));
  KnownHostKeys known;
  if (expected.empty() && !t.known_hosts_file.empty()) {
    // An unreadable file vouches for nothing: the key is then unknown.
    std::ifstream in(t.known_hosts_file);
    std::stringstream text;
    text << in.rdbuf();
    known = FindKnownHostKeys(text.str(), t.host, t.port);
  }
  const absl::Time connect_deadline = std::min(deadline, absl::Now() + t.connect_timeout);
  std::unique_ptr<JumpTunnel> tunnel;
  UniqueFd fd;
  if (t.jump_host.empty()) {
    ASSIGN_OR_RETURN(fd, Dial(peer, t.host, t.port, t.netns, connect_deadline));
  } else {
    int tunnel_fd = -1;
    ASSIGN_OR_RETURN(tunnel, JumpTunnel::Open(t, connect_deadline, &tunnel_fd));
    fd = UniqueFd(tunnel_fd);
  }

  ssh_session raw = ssh_new();
  if (raw == nullptr) return absl::ResourceExhaustedError("ssh_new failed");
  std::unique_ptr<SshSession> session(new SshSession(raw, peer));
  session->tunnel_ = std::move(tunnel);
  int port = t.port;
  bool process_config = false;  // ~/.ssh/config must not change what we verify
  ssh_options_set(raw, SSH_OPTIONS_HOST, t.host.c_str());
  ssh_options_set(raw, SSH_OPTIONS_PORT, &port);
  ssh_options_set(raw, SSH_OPTIONS_USER, t.user.c_str());
  ssh_options_set(raw, SSH_OPTIONS_PROCESS_CONFIG, &process_config);
  // We verify keys ourselves (host_key_policy.h); libssh's files stay unused.
  ssh_options_set(raw, SSH_OPTIONS_KNOWNHOSTS, "/dev/null");
  ssh_options_set(raw, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");
  // Ask for a key type we can verify, so a server with several keys presents it.
  const std::vector<HostKey>& verifiable = expected.empty() ? known.keys : expected;
  if (!verifiable.empty()) {
    std::string algorithms = HostKeyAlgorithmsFor(verifiable);
    ssh_options_set(raw, SSH_OPTIONS_HOSTKEYS, algorithms.c_str());
  }
  session->SetTimeout(connect_deadline);
  struct stat socket_stat {};
  ::fstat(fd.get(), &socket_stat);
  session->socket_inode_ = socket_stat.st_ino;
  session->socket_fd_ = fd.release();  // closed by ~SshSession
  ssh_options_set(raw, SSH_OPTIONS_FD, &session->socket_fd_);
  if (ssh_connect(raw) != SSH_OK) {
    if (absl::Now() >= connect_deadline) {
      return absl::UnavailableError(
          fmt::format("ssh handshake with {} timed out: {}", Describe(peer), ssh_get_error(raw)));
    }
    return TransportError(peer, "ssh handshake", ssh_get_error(raw));
  }
  ASSIGN_OR_RETURN(HostKeyEvidence evidence,
                   GatherEvidence(raw, peer, t, std::move(expected),
                                  t.known_hosts_file.empty() ? nullptr : &known));
  ASSIGN_OR_RETURN(HostKeyTrust trust, DecideHostKey(peer, evidence));
  if (trust == HostKeyTrust::kAcceptedUnverified) {
    spdlog::warn("accepting UNVERIFIED host key {} {} for {} (accept_unknown_host_keys is on)",
                 evidence.presented.type, evidence.presented.fingerprint, Describe(peer));
  }
  RETURN_IF_ERROR(Authenticate(raw, peer, t));
  session->become_ = t.become;
  if (t.become) RETURN_IF_ERROR(session->CheckSudo(deadline));
  return session;
}

absl::Status SshSession::CheckSudo(absl::Time deadline) {
  ASSIGN_OR_RETURN(CommandResult r, ExecAsLogin(SudoCheckCommand(), deadline, 4096));
  if (r.exit_status == 0) return absl::OkStatus();
  std::string said(Strip(r.stderr_data));
  return absl::FailedPreconditionError(
      fmt::format("ssh.become: sudo -n on {} failed (exit {}): {}; the login user needs "
                  "passwordless sudo, as cloud images give their default user",
                  Describe(peer_), r.exit_status, said.empty() ? "no message" : said));
}

SshSession::~SshSession() {
  DropScriptShell();
  if (sftp_ != nullptr) sftp_free(sftp_);
  ssh_disconnect(session_);
  ssh_free(session_);
  // Only if libssh did not close it and the number was not reused since.
  struct stat st {};
  if (socket_fd_ >= 0 && ::fstat(socket_fd_, &st) == 0 && st.st_ino == socket_inode_) {
    ::close(socket_fd_);
  }
}

bool SshSession::IsConnected() const {
  return health_ == SessionHealth::kOk && ssh_is_connected(session_) == 1;
}

bool SshSession::SetTimeout(absl::Time deadline) {
  absl::Duration left = deadline - absl::Now();
  if (left <= absl::ZeroDuration()) left = absl::Milliseconds(1);
  long seconds = static_cast<long>(absl::ToInt64Seconds(left));
  long usec = static_cast<long>(absl::ToInt64Microseconds(left - absl::Seconds(seconds)));
  ssh_options_set(session_, SSH_OPTIONS_TIMEOUT, &seconds);
  ssh_options_set(session_, SSH_OPTIONS_TIMEOUT_USEC, &usec);
  return absl::Now() < deadline;
}

}  // namespace reconcile::drivers::ssh
