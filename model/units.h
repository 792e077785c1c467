// Sizes with units and durations, as written in specs.
//
// Sizes: an integer followed by a unit. Binary units: K, KiB, M, MiB, G, GiB,
// T, TiB (powers of 1024; the single letters mean the binary unit, as in QEMU
// and libvirt). Decimal units: KB, MB, GB, TB (powers of 1000). B is bytes.
// A number without a unit is rejected: "4096" is too easy to misread.
//
// Durations: one or more <integer><unit> parts in decreasing order, units
// h, m, s, ms: "30s", "5m", "1h30m", "500ms".
#pragma once

#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace reconcile::model {

absl::StatusOr<uint64_t> ParseSize(std::string_view text);
absl::StatusOr<absl::Duration> ParseDuration(std::string_view text);

// "4GiB", "512MiB", "1536KiB", "123B": the largest binary unit that divides evenly.
std::string FormatSize(uint64_t bytes);

}  // namespace reconcile::model
