// SSH host key generation for new nodes (ed25519, via libssh).
//
// The reconciler generates each node's host key itself, hands the private half
// to the node only through its first-boot seed and records the public half in
// the domain's metadata, so the first SSH connection is verified against a key
// it already knows: no trust on first use.
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace reconcile::drivers {

struct HostKey {
  std::string private_openssh;  // "-----BEGIN OPENSSH PRIVATE KEY-----\n..." (secret)
  std::string public_line;      // "ssh-ed25519 AAAA..." (no comment)
  std::string fingerprint;      // "SHA256:..." as OpenSSH prints it
};

// A fresh ed25519 key pair. kInternal if libssh fails.
absl::StatusOr<HostKey> GenerateHostKey();

// The "SHA256:..." fingerprint of a public key line ("type base64 [comment]").
// kInvalidArgument if the line does not parse.
absl::StatusOr<std::string> FingerprintOfPublicKey(const std::string& public_line);

}  // namespace reconcile::drivers
