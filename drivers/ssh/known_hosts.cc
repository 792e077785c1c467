#include "drivers/ssh/known_hosts.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <string>

#include "absl/strings/escaping.h"
#include "base/text.h"
#include "fmt/format.h"

namespace reconcile::drivers::ssh {
namespace {

// |1|base64(salt)|base64(HMAC-SHA1(salt, name))
bool HashedMatches(std::string_view field, const std::string& name) {
  std::vector<std::string_view> parts = Split(field, '|');
  if (parts.size() != 4 || !parts[0].empty() || parts[1] != "1") return false;
  std::string salt, want;
  if (!absl::Base64Unescape(std::string(parts[2]), &salt) ||
      !absl::Base64Unescape(std::string(parts[3]), &want)) {
    return false;
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  if (HMAC(EVP_sha1(), salt.data(), static_cast<int>(salt.size()),
           reinterpret_cast<const unsigned char*>(name.data()), name.size(), mac, &mac_len) ==
      nullptr) {
    return false;
  }
  return want == std::string(reinterpret_cast<char*>(mac), mac_len);
}

// OpenSSH's pattern language: only '*' and '?' are special ('[' is literal,
// which is why fnmatch() will not do for "[host]:port").
bool WildcardMatch(std::string_view pattern, std::string_view name) {
  if (pattern.empty()) return name.empty();
  if (pattern.front() == '*') {
    for (size_t skip = 0; skip <= name.size(); ++skip) {
      if (WildcardMatch(pattern.substr(1), name.substr(skip))) return true;
    }
    return false;
  }
  if (name.empty()) return false;
  if (pattern.front() != '?' && pattern.front() != name.front()) return false;
  return WildcardMatch(pattern.substr(1), name.substr(1));
}

// True when the comma-separated pattern list matches `name` (and no negated
// pattern does).
bool HostFieldMatches(std::string_view field, const std::string& name) {
  if (!field.empty() && field.front() == '|') return HashedMatches(field, name);
  bool matched = false;
  for (std::string_view pattern : Split(field, ',')) {
    bool negated = !pattern.empty() && pattern.front() == '!';
    if (negated) pattern.remove_prefix(1);
    if (WildcardMatch(pattern, name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

}  // namespace

KnownHostKeys FindKnownHostKeys(std::string_view known_hosts, std::string_view host, int port) {
  const std::string name = port == 22 ? std::string(host) : fmt::format("[{}]:{}", host, port);
  KnownHostKeys found;
  for (std::string_view raw : Split(known_hosts, '\n')) {
    std::vector<std::string_view> words = SplitNonEmpty(raw, " \t");
    if (words.empty() || words[0].front() == '#') continue;
    bool revoked = false;
    if (words[0].front() == '@') {
      if (words[0] != "@revoked") continue;  // @cert-authority: not supported
      revoked = true;
      words.erase(words.begin());
    }
    if (words.size() < 3 || !HostFieldMatches(words[0], name)) continue;
    absl::StatusOr<HostKey> key = ParseOpenSshPublicKey(fmt::format("{} {}", words[1], words[2]));
    if (!key.ok()) continue;  // a line we cannot read vouches for nothing
    (revoked ? found.revoked : found.keys).push_back(*std::move(key));
  }
  return found;
}

KnownHostsVerdict CheckKnownHosts(const KnownHostKeys& found, const HostKey& presented,
                                  std::string* recorded) {
  for (const HostKey& k : found.revoked) {
    if (k == presented) {
      *recorded = "this key as @revoked";
      return KnownHostsVerdict::kChanged;
    }
  }
  std::vector<std::string> descriptions;
  for (const HostKey& k : found.keys) {
    if (k == presented) return KnownHostsVerdict::kMatch;
    descriptions.push_back(fmt::format("{} {}", k.type, k.fingerprint));
  }
  if (descriptions.empty()) return KnownHostsVerdict::kNotFound;
  *recorded = fmt::format("{}", fmt::join(descriptions, " or "));
  return KnownHostsVerdict::kChanged;
}

}  // namespace reconcile::drivers::ssh
