#include "model/units.h"

#include <array>
#include <limits>
#include <utility>

#include "absl/strings/ascii.h"
#include "base/text.h"
#include "fmt/format.h"

namespace reconcile::model {
namespace {

// Splits a leading run of decimal digits off `text`. Fails on overflow.
bool TakeNumber(std::string_view& text, uint64_t& value) {
  size_t i = 0;
  value = 0;
  while (i < text.size() && absl::ascii_isdigit(text[i])) {
    uint64_t digit = text[i] - '0';
    if (value > (std::numeric_limits<uint64_t>::max() - digit) / 10) return false;
    value = value * 10 + digit;
    ++i;
  }
  if (i == 0) return false;
  text.remove_prefix(i);
  return true;
}

constexpr uint64_t kKi = 1024;
constexpr std::array<std::pair<std::string_view, uint64_t>, 13> kSizeUnits = {{
    {"B", 1},
    {"K", kKi}, {"KiB", kKi}, {"KB", 1000},
    {"M", kKi * kKi}, {"MiB", kKi * kKi}, {"MB", 1000 * 1000},
    {"G", kKi * kKi * kKi}, {"GiB", kKi * kKi * kKi}, {"GB", 1000 * 1000 * 1000},
    {"T", kKi * kKi * kKi * kKi}, {"TiB", kKi * kKi * kKi * kKi},
    {"TB", uint64_t{1000} * 1000 * 1000 * 1000},
}};

}  // namespace

absl::StatusOr<uint64_t> ParseSize(std::string_view text) {
  std::string_view rest = Strip(text);
  uint64_t number = 0;
  if (!TakeNumber(rest, number)) {
    return absl::InvalidArgumentError(
        fmt::format("'{}' is not a size; write e.g. 512MiB, 4GiB or 20G", text));
  }
  rest = Strip(rest);
  if (rest.empty()) {
    return absl::InvalidArgumentError(
        fmt::format("size '{}' has no unit; write e.g. {}MiB or {}GiB", text, number, number));
  }
  for (const auto& [unit, factor] : kSizeUnits) {
    if (rest != unit) continue;
    if (number > std::numeric_limits<uint64_t>::max() / factor) {
      return absl::InvalidArgumentError(fmt::format("size '{}' is too large", text));
    }
    return number * factor;
  }
  return absl::InvalidArgumentError(
      fmt::format("unknown size unit '{}' in '{}'; use B, KiB, MiB, GiB, TiB (or K, M, G, T, which "
                  "mean the same) or KB, MB, GB, TB",
                  rest, text));
}

absl::StatusOr<absl::Duration> ParseDuration(std::string_view text) {
  std::string_view rest = Strip(text);
  auto bad = [&](std::string_view why) {
    return absl::InvalidArgumentError(
        fmt::format("'{}' is not a duration ({}); write e.g. 30s, 5m or 1h30m", text, why));
  };
  if (rest.empty()) return bad("empty");
  constexpr std::array<std::pair<std::string_view, int>, 4> kUnits = {
      {{"h", 0}, {"ms", 3}, {"m", 1}, {"s", 2}}};
  constexpr std::array<int64_t, 4> kMillis = {3'600'000, 60'000, 1'000, 1};
  int last_rank = -1;
  int64_t total_ms = 0;
  while (!rest.empty()) {
    uint64_t number = 0;
    if (!TakeNumber(rest, number)) return bad("expected a number");
    int rank = -1;
    for (const auto& [unit, r] : kUnits) {
      if (rest.substr(0, unit.size()) == unit) {
        rank = r;
        rest.remove_prefix(unit.size());
        break;
      }
    }
    if (rank < 0) return bad(rest.empty() ? "no unit" : "unit must be h, m, s or ms");
    if (rank <= last_rank) return bad("units must be in decreasing order, each once");
    last_rank = rank;
    if (number > 1'000'000'000) return bad("too large");
    total_ms += static_cast<int64_t>(number) * kMillis[rank];
    if (total_ms > int64_t{1'000'000'000} * 1000) return bad("too large");
  }
  return absl::Milliseconds(total_ms);
}

std::string FormatSize(uint64_t bytes) {
  constexpr std::array<std::string_view, 5> kNames = {"B", "KiB", "MiB", "GiB", "TiB"};
  size_t unit = 0;
  while (unit + 1 < kNames.size() && bytes != 0 && bytes % 1024 == 0) {
    bytes /= 1024;
    ++unit;
  }
  return fmt::format("{}{}", bytes, kNames[unit]);
}

}  // namespace reconcile::model
