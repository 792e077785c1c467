#include "model/nic_address.h"

#include <charconv>

#include "base/text.h"
#include "fmt/format.h"

namespace reconcile::model {
namespace {

std::optional<int64_t> ParseInt(std::string_view text) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

// "{{ 10 + self.index }}" -> 10 + index. Only integers, self.index and '+'.
absl::StatusOr<int64_t> Evaluate(std::string_view expression, int index) {
  int64_t sum = 0;
  for (std::string_view term : Split(expression, '+')) {
    term = Strip(term);
    if (term == "self.index") {
      sum += index;
    } else if (auto number = ParseInt(term)) {
      sum += *number;
    } else {
      return absl::InvalidArgumentError(fmt::format(
          "'{}' in an address template: only self.index, numbers and '+' are allowed",
          std::string(term).substr(0, 40)));
    }
  }
  return sum;
}

absl::StatusOr<std::string> RenderAddressTemplate(std::string_view text, int index) {
  std::string out;
  size_t at = 0;
  while (at < text.size()) {
    const size_t open = text.find("{{", at);
    if (open == std::string_view::npos) {
      out.append(text.substr(at));
      break;
    }
    const size_t close = text.find("}}", open);
    if (close == std::string_view::npos) {
      return absl::InvalidArgumentError("an address template has '{{' without '}}'");
    }
    out.append(text.substr(at, open - at));
    absl::StatusOr<int64_t> value = Evaluate(text.substr(open + 2, close - open - 2), index);
    if (!value.ok()) return value.status();
    out += std::to_string(*value);
    at = close + 2;
  }
  return out;
}


absl::StatusOr<std::string> FromRange(std::string_view range, int index) {
  const size_t dash = range.find('-');
  const size_t slash = range.rfind('/');
  if (dash == std::string_view::npos || slash == std::string_view::npos || slash < dash) {
    return absl::InvalidArgumentError(fmt::format(
        "range '{}' must read FIRST-LAST/PREFIX, e.g. 10.0.0.10-10.0.0.60/24", range.substr(0, 60)));
  }
  std::optional<uint32_t> first = ParseIpv4(range.substr(0, dash));
  std::optional<uint32_t> last = ParseIpv4(range.substr(dash + 1, slash - dash - 1));
  std::optional<int64_t> prefix = ParseInt(range.substr(slash + 1));
  if (!first || !last || !prefix || *prefix < 1 || *prefix > 32) {
    return absl::InvalidArgumentError(fmt::format(
        "range '{}' must read FIRST-LAST/PREFIX, e.g. 10.0.0.10-10.0.0.60/24", range.substr(0, 60)));
  }
  const Ipv4Cidr subnet{*first, static_cast<int>(*prefix)};
  if (*last < *first || !subnet.Contains(*last)) {
    return absl::InvalidArgumentError(fmt::format(
        "range '{}': the last address must follow the first, in the same /{}", range.substr(0, 60),
        *prefix));
  }
  const uint64_t wanted = uint64_t{*first} + static_cast<uint64_t>(index - 1);
  if (wanted > *last) {
    return absl::InvalidArgumentError(fmt::format(
        "range '{}' holds {} addresses; node {} needs one more", range.substr(0, 60),
        uint64_t{*last} - *first + 1, index));
  }
  return fmt::format("{}/{}", FormatIpv4(static_cast<uint32_t>(wanted)), *prefix);
}

}  // namespace

uint32_t Ipv4Mask(int prefix) { return prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix); }

std::optional<uint32_t> ParseIpv4(std::string_view text) {
  std::vector<std::string_view> parts = Split(text, '.');
  if (parts.size() != 4) return std::nullopt;
  uint32_t address = 0;
  for (std::string_view part : parts) {
    if (part.empty() || part.size() > 3 || (part.size() > 1 && part[0] == '0')) return std::nullopt;
    std::optional<int64_t> octet = ParseInt(part);
    if (!octet || *octet < 0 || *octet > 255) return std::nullopt;
    address = (address << 8) | static_cast<uint32_t>(*octet);
  }
  return address;
}

std::string FormatIpv4(uint32_t a) {
  return fmt::format("{}.{}.{}.{}", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
}

bool Ipv4Cidr::Contains(uint32_t other) const {
  return (address & Ipv4Mask(prefix)) == (other & Ipv4Mask(prefix));
}

std::optional<Ipv4Cidr> ParseIpv4Cidr(std::string_view text) {
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::optional<uint32_t> address = ParseIpv4(text.substr(0, slash));
  std::optional<int64_t> prefix = ParseInt(text.substr(slash + 1));
  if (!address || !prefix || *prefix < 1 || *prefix > 32) return std::nullopt;
  return Ipv4Cidr{*address, static_cast<int>(*prefix)};
}

absl::StatusOr<std::string> StaticAddressFor(const NicSpec& nic, int index) {
  if (!nic.range.empty()) return FromRange(nic.range, index);
  if (nic.address.empty()) return std::string();
  absl::StatusOr<std::string> rendered = RenderAddressTemplate(nic.address, index);
  if (!rendered.ok()) return rendered.status();
  std::optional<Ipv4Cidr> cidr = ParseIpv4Cidr(*rendered);
  if (!cidr) {
    return absl::InvalidArgumentError(
        fmt::format("address '{}' (node {}) is not an IPv4 address with a prefix, e.g. 10.0.0.11/24",
                    rendered->substr(0, 60), index));
  }
  const uint32_t host = cidr->address & ~Ipv4Mask(cidr->prefix);
  if (cidr->prefix < 31 && (host == 0 || host == ~Ipv4Mask(cidr->prefix))) {
    return absl::InvalidArgumentError(
        fmt::format("address '{}' (node {}) is the network or broadcast address of its subnet",
                    *rendered, index));
  }
  return FormatIpv4(cidr->address) + "/" + std::to_string(cidr->prefix);
}

std::string NicProblem(const NicSpec& nic) {
  absl::StatusOr<std::string> first = StaticAddressFor(nic, 1);
  if (!first.ok()) return std::string(first.status().message());
  if (first->empty()) {
    if (!nic.gateway.empty() || !nic.dns.empty()) {
      return "'gateway' and 'dns' need a static 'address' or 'range' (DHCP supplies them)";
    }
    return "";
  }
  if (!nic.gateway.empty()) {
    std::optional<uint32_t> gateway = ParseIpv4(nic.gateway);
    if (!gateway) return fmt::format("gateway '{}' is not an IPv4 address", nic.gateway.substr(0, 40));
    if (!ParseIpv4Cidr(*first)->Contains(*gateway)) {
      return fmt::format("gateway {} is outside the subnet of {}", nic.gateway, *first);
    }
  }
  for (const std::string& server : nic.dns) {
    if (!ParseIpv4(server)) return fmt::format("dns server '{}' is not an IPv4 address", server.substr(0, 40));
  }
  return "";
}

}  // namespace reconcile::model
