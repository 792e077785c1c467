// Reading an OpenSSH known_hosts file: which keys it records for a host.
//
// Pure: takes the file's text. Supports plain host lists (comma separated,
// with * and ? wildcards and "[host]:port" for non-22 ports), hashed entries
// (|1|salt|HMAC-SHA1) as written by HashKnownHosts, and @revoked markers.
// @cert-authority lines are ignored (host certificates are not supported).
#pragma once

#include <string_view>
#include <vector>

#include "drivers/ssh/host_key_policy.h"

namespace reconcile::drivers::ssh {

struct KnownHostKeys {
  std::vector<HostKey> keys;     // keys recorded for the host
  std::vector<HostKey> revoked;  // keys marked @revoked for the host
};

KnownHostKeys FindKnownHostKeys(std::string_view known_hosts, std::string_view host, int port);

// kMatch when `presented` is recorded (and not revoked), kChanged when the host
// is listed with other keys or the key is revoked, kNotFound otherwise.
// `recorded` receives a description of what the file holds, for messages.
KnownHostsVerdict CheckKnownHosts(const KnownHostKeys& found, const HostKey& presented,
                                  std::string* recorded);

}  // namespace reconcile::drivers::ssh
