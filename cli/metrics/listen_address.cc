#include "cli/metrics/listen_address.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "fmt/format.h"

namespace reconcile::cli {
namespace {

bool IsHostName(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  for (char c : host) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') return false;
  }
  return host.front() != '-' && host.front() != '.';
}

bool IsIpv6(std::string_view host) {
  if (host.size() < 2) return false;
  for (char c : host) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') return false;
  }
  return host.find(':') != std::string_view::npos;
}

}  // namespace

absl::StatusOr<ListenAddress> ParseListenAddress(std::string_view text) {
  auto invalid = [&](std::string_view why) {
    return absl::InvalidArgumentError(
        fmt::format("--listen '{}': {} (expected HOST:PORT, e.g. 127.0.0.1:9464 or [::1]:9464)",
                    absl::CHexEscape(std::string(text)), why));
  };
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return invalid("no port");
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  ListenAddress address;
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
    if (!IsIpv6(host)) return invalid("not an IPv6 address in brackets");
  } else if (!IsHostName(host)) {
    return invalid(host.find(':') != std::string_view::npos ? "IPv6 addresses need brackets"
                                                            : "not a host name or address");
  }
  address.host = std::string(host);
  const bool digits = !port_text.empty() && port_text.size() <= 5 &&
                      port_text.find_first_not_of("0123456789") == std::string_view::npos;
  if (!digits || !absl::SimpleAtoi(std::string(port_text), &address.port) || address.port > 65535) {
    return invalid("the port must be a number from 0 to 65535");
  }
  return address;
}

}  // namespace reconcile::cli
