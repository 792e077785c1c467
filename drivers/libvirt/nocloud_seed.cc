#include "drivers/libvirt/nocloud_seed.h"

#include <algorithm>
#include <iterator>

#include "absl/strings/ascii.h"
#include "base/text.h"
#include "drivers/libvirt/iso9660.h"
#include "fmt/format.h"

namespace reconcile::drivers::libvirt {
namespace {

bool IsDnsLabel(std::string_view s) {
  return !s.empty() && s.size() <= 63 && s.front() != '-' && s.back() != '-' &&
         std::all_of(s.begin(), s.end(), [](char c) {
           return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-';
         });
}

// A YAML double-quoted scalar: only '"' and '\' need escaping once control
// characters are excluded (checked by the caller).
std::string Quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

bool IsPublicKeyLine(std::string_view key) {
  if (std::any_of(key.begin(), key.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20; })) {
    return false;
  }
  std::vector<std::string_view> parts = SplitNonEmpty(key, " ");
  return parts.size() >= 2 && (parts[0].starts_with("ssh-") || parts[0].starts_with("ecdsa-") ||
                               parts[0].starts_with("sk-"));
}

}  // namespace

std::string RenderMetaData(const SeedIdentity& identity) {
  return fmt::format("instance-id: {}\nlocal-hostname: {}\n", identity.instance_id,
                     identity.hostname);
}

std::string RenderUserData(const SeedIdentity& identity) {
  std::string out = "#cloud-config\n";
  auto to = std::back_inserter(out);
  fmt::format_to(to, "hostname: {}\n", identity.hostname);
  fmt::format_to(to, "ssh_authorized_keys:\n  - {}\n", Quoted(identity.authorized_key));
  // Replace whatever host keys the image has with the ones the reconciler
  // recorded in the domain's metadata.
  out += "ssh_deletekeys: true\nssh_genkeytypes: []\nssh_keys:\n";
  out += "  ed25519_private: |\n";
  for (std::string_view line : SplitNonEmpty(identity.host_key.private_openssh, "\n")) {
    fmt::format_to(to, "    {}\n", line);
  }
  fmt::format_to(to, "  ed25519_public: {}\n", Quoted(identity.host_key.public_line));
  return out;
}

absl::StatusOr<std::string> BuildNoCloudSeed(const SeedIdentity& identity) {
  if (!IsDnsLabel(identity.hostname)) {
    return absl::InvalidArgumentError(
        fmt::format("seed: hostname \"{}\" is not a DNS label", identity.hostname));
  }
  if (!IsPublicKeyLine(identity.authorized_key)) {
    return absl::InvalidArgumentError(
        "seed: authorized key is not one OpenSSH public key line (\"type base64 [comment]\")");
  }
  if (identity.host_key.private_openssh.empty() || identity.host_key.public_line.empty()) {
    return absl::InvalidArgumentError("seed: host key pair is empty");
  }
  std::vector<IsoFile> files = {
      {"meta-data", RenderMetaData(identity)}, {"user-data", RenderUserData(identity)}};
  if (!identity.network_config.empty()) files.emplace_back("network-config", identity.network_config);
  return BuildIso9660("cidata", files);
}

}  // namespace reconcile::drivers::libvirt
