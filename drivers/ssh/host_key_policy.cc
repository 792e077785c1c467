#include "drivers/ssh/host_key_policy.h"

#include <libssh/libssh.h>

#include "base/text.h"
#include "drivers/libssh_key.h"
#include "fmt/format.h"

namespace reconcile::drivers::ssh {
absl::StatusOr<HostKey> ParseOpenSshPublicKey(std::string_view line) {
  std::vector<std::string_view> words = SplitNonEmpty(Strip(line), " \t");
  if (words.size() < 2) {
    return absl::InvalidArgumentError(
        fmt::format("host key '{}' is not an OpenSSH public key line (TYPE BASE64)", line));
  }
  std::string type(words[0]);
  enum ssh_keytypes_e kind = ssh_key_type_from_name(type.c_str());
  if (kind == SSH_KEYTYPE_UNKNOWN) {
    return absl::InvalidArgumentError(fmt::format("host key type '{}' is unknown", type));
  }
  ssh_key raw = nullptr;
  if (ssh_pki_import_pubkey_base64(std::string(words[1]).c_str(), kind, &raw) != SSH_OK) {
    return absl::InvalidArgumentError(
        fmt::format("host key '{} {}...' does not decode", type, words[1].substr(0, 16)));
  }
  SshKeyPtr key(raw);
  char* b64 = nullptr;
  unsigned char* hash = nullptr;
  size_t hash_len = 0;
  if (ssh_pki_export_pubkey_base64(key.get(), &b64) != SSH_OK ||
      ssh_get_publickey_hash(key.get(), SSH_PUBLICKEY_HASH_SHA256, &hash, &hash_len) != 0) {
    ssh_string_free_char(b64);
    return absl::InvalidArgumentError(fmt::format("host key '{}' cannot be encoded", type));
  }
  char* fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hash_len);
  HostKey out{ssh_key_type_to_char(ssh_key_type(key.get())), b64, fp ? fp : ""};
  ssh_string_free_char(fp);
  ssh_clean_pubkey_hash(&hash);
  ssh_string_free_char(b64);
  return out;
}

std::string HostKeyAlgorithmsFor(const std::vector<HostKey>& keys) {
  std::vector<std::string> algorithms;
  auto add = [&](const std::string& a) {
    if (std::find(algorithms.begin(), algorithms.end(), a) == algorithms.end())
      algorithms.push_back(a);
  };
  for (const HostKey& k : keys) {
    if (k.type == "ssh-rsa") {
      add("rsa-sha2-512");
      add("rsa-sha2-256");
    }
    add(k.type);
  }
  return fmt::format("{}", fmt::join(algorithms, ","));
}

absl::StatusOr<HostKeyTrust> DecideHostKey(const Peer& peer, const HostKeyEvidence& e) {
  const std::string presented = fmt::format("{} {}", e.presented.type, e.presented.fingerprint);
  if (!e.expected.empty()) {
    for (const HostKey& k : e.expected) {
      if (k == e.presented) return HostKeyTrust::kVerified;
    }
    std::vector<std::string> wanted;
    for (const HostKey& k : e.expected) {
      wanted.push_back(fmt::format("{} {}", k.type, k.fingerprint));
    }
    return absl::FailedPreconditionError(
        fmt::format("HOST KEY MISMATCH for {}: it presented {} but the expected key is {}; "
                    "refusing to connect (the node was replaced or someone is intercepting)",
                    Describe(peer), presented, fmt::join(wanted, " or ")));
  }
  switch (e.known_hosts) {
    case KnownHostsVerdict::kMatch:
      return HostKeyTrust::kVerified;
    case KnownHostsVerdict::kChanged:
      return absl::FailedPreconditionError(fmt::format(
          "HOST KEY MISMATCH for {}: it presented {} but {} records {}; refusing to connect",
          Describe(peer), presented, e.known_hosts_file, e.known_hosts_fingerprint));
    case KnownHostsVerdict::kNotFound:
    case KnownHostsVerdict::kNotConsulted:
      break;
  }
  if (e.accept_unknown) return HostKeyTrust::kAcceptedUnverified;
  return absl::FailedPreconditionError(
      fmt::format("unknown host key for {}: {}{}; refusing to connect (add the key, or opt in with "
                  "accept_unknown_host_keys)",
                  Describe(peer), presented,
                  e.known_hosts == KnownHostsVerdict::kNotFound
                      ? fmt::format(" is not in {}", e.known_hosts_file)
                      : std::string(" and no expected key is recorded")));
}

}  // namespace reconcile::drivers::ssh
