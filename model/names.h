// Name rules and the did-you-mean helper used by spec validation.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace reconcile::model {

// Longest DNS label (RFC 1123): node names become host and domain names.
inline constexpr size_t kMaxDnsLabelLength = 63;

// Empty when `name` is a valid lower-case RFC 1123 label (a-z, 0-9, '-', not
// starting or ending with '-', at most 63 characters); otherwise why not.
std::string DnsLabelProblem(std::string_view name);

// True for a host name (dot-separated DNS labels, letters of either case),
// an IPv4 address or an IPv6 address (optionally in brackets).
bool IsValidHostAddress(std::string_view address);

// Identifiers for variables and outputs: [A-Za-z_][A-Za-z0-9_-]*.
bool IsIdentifier(std::string_view name);

// Edit distance: insert, delete, substitute and swap two adjacent characters
// each cost 1 (optimal string alignment).
size_t EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `word` if it is close enough to be a likely typo
// (distance <= max(1, len/3)); ties go to the earliest candidate. Never
// suggests `word` itself.
std::optional<std::string> ClosestMatch(std::string_view word,
                                        const std::vector<std::string>& candidates);

}  // namespace reconcile::model
