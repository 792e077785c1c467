#include "drivers/host_key.h"

#include <libssh/libssh.h>

#include <sstream>

#include "absl/status/status.h"
#include "base/status_macros.h"
#include "drivers/libssh_key.h"
#include "fmt/format.h"

namespace reconcile::drivers {
namespace {

// Takes ownership of a libssh-allocated C string.
std::string TakeString(char* s) {
  std::string out = s != nullptr ? s : "";
  ssh_string_free_char(s);
  return out;
}

absl::StatusOr<std::string> Fingerprint(const ssh_key key) {
  unsigned char* hash = nullptr;
  size_t hash_len = 0;
  if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &hash_len) != SSH_OK) {
    return absl::InternalError("libssh: cannot hash public key");
  }
  char* text = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hash_len);
  ssh_clean_pubkey_hash(&hash);
  if (text == nullptr) return absl::InternalError("libssh: cannot format fingerprint");
  return TakeString(text);
}

}  // namespace

absl::StatusOr<HostKey> GenerateHostKey() {
  ssh_key raw = nullptr;
  if (ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, &raw) != SSH_OK) {
    return absl::InternalError("libssh: ed25519 key generation failed");
  }
  SshKeyPtr key(raw);
  HostKey out;
  char* b64 = nullptr;
  // libssh 0.10 writes ed25519 private keys in the OpenSSH format, which both
  // sshd and dropbearconvert read.
  if (ssh_pki_export_privkey_base64(key.get(), nullptr, nullptr, nullptr, &b64) != SSH_OK) {
    return absl::InternalError("libssh: cannot export private key");
  }
  out.private_openssh = TakeString(b64);
  if (!out.private_openssh.empty() && out.private_openssh.back() != '\n') {
    out.private_openssh += '\n';
  }
  b64 = nullptr;
  if (ssh_pki_export_pubkey_base64(key.get(), &b64) != SSH_OK) {
    return absl::InternalError("libssh: cannot export public key");
  }
  out.public_line = fmt::format("ssh-ed25519 {}", TakeString(b64));
  ASSIGN_OR_RETURN(out.fingerprint, Fingerprint(key.get()));
  return out;
}

absl::StatusOr<std::string> FingerprintOfPublicKey(const std::string& public_line) {
  std::istringstream in(public_line);
  std::string type, blob;
  in >> type >> blob;
  const ssh_keytypes_e key_type = ssh_key_type_from_name(type.c_str());
  if (type.empty() || blob.empty() || key_type == SSH_KEYTYPE_UNKNOWN) {
    return absl::InvalidArgumentError(fmt::format(
        "not an SSH public key line (want \"type base64\"): \"{}\"", public_line.substr(0, 40)));
  }
  ssh_key raw = nullptr;
  if (ssh_pki_import_pubkey_base64(blob.c_str(), key_type, &raw) != SSH_OK) {
    return absl::InvalidArgumentError(
        fmt::format("SSH public key of type {} does not decode", type));
  }
  SshKeyPtr key(raw);
  return Fingerprint(key.get());
}

}  // namespace reconcile::drivers
