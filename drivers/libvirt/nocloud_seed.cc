#include "drivers/libvirt/nocloud_seed.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "drivers/libvirt/iso9660.h"

namespace reconcile::drivers::libvirt {
namespace {

bool IsDnsLabel(absl::string_view s) {
  return !s.empty() && s.size() <= 63 && s.front() != '-' && s.back() != '-' &&
         std::all_of(s.begin(), s.end(), [](char c) {
           return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-';
         });
}

// A YAML double-quoted scalar: only '"' and '\' need escaping once control
// characters are excluded (checked by the caller).
std::string Quoted(absl::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

bool IsPublicKeyLine(absl::string_view key) {
  if (std::any_of(key.begin(), key.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20; })) {
    return false;
  }
  std::vector<absl::string_view> parts = absl::StrSplit(key, ' ', absl::SkipEmpty());
  return parts.size() >= 2 &&
         (absl::StartsWith(parts[0], "ssh-") || absl::StartsWith(parts[0], "ecdsa-") ||
          absl::StartsWith(parts[0], "sk-"));
}

}  // namespace

std::string RenderMetaData(const SeedIdentity& identity) {
  return absl::StrCat("instance-id: ", identity.instance_id, "\n",
                      "local-hostname: ", identity.hostname, "\n");
}

std::string RenderUserData(const SeedIdentity& identity) {
  std::string out = "#cloud-config\n";
  absl::StrAppend(&out, "hostname: ", identity.hostname, "\n");
  absl::StrAppend(&out, "ssh_authorized_keys:\n  - ", Quoted(identity.authorized_key), "\n");
  // Replace whatever host keys the image has with the ones the reconciler
  // recorded in the domain's metadata.
  absl::StrAppend(&out, "ssh_deletekeys: true\nssh_genkeytypes: []\nssh_keys:\n");
  absl::StrAppend(&out, "  ed25519_private: |\n");
  for (absl::string_view line :
       absl::StrSplit(identity.host_key.private_openssh, '\n', absl::SkipEmpty())) {
    absl::StrAppend(&out, "    ", line, "\n");
  }
  absl::StrAppend(&out, "  ed25519_public: ", Quoted(identity.host_key.public_line), "\n");
  return out;
}

absl::StatusOr<std::string> BuildNoCloudSeed(const SeedIdentity& identity) {
  if (!IsDnsLabel(identity.hostname)) {
    return absl::InvalidArgumentError(
        absl::StrCat("seed: hostname \"", identity.hostname, "\" is not a DNS label"));
  }
  if (!IsPublicKeyLine(identity.authorized_key)) {
    return absl::InvalidArgumentError(
        "seed: authorized key is not one OpenSSH public key line (\"type base64 [comment]\")");
  }
  if (identity.host_key.private_openssh.empty() || identity.host_key.public_line.empty()) {
    return absl::InvalidArgumentError("seed: host key pair is empty");
  }
  return BuildIso9660("cidata", {{"meta-data", RenderMetaData(identity)},
                                 {"user-data", RenderUserData(identity)}});
}

}  // namespace reconcile::drivers::libvirt
