// `--listen HOST:PORT`: where `reconcile watch` serves /metrics and /healthz.
// Pure parsing, so a typo is refused before anything starts.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace reconcile::cli {

struct ListenAddress {
  std::string host;  // a name, an IPv4 address, or an IPv6 address without brackets
  int port = 0;      // 0: any free port (tests)
};

// Accepts "127.0.0.1:9464", "localhost:9464", "[::1]:9464", "0.0.0.0:0".
// Anything else is kInvalidArgument with a message naming the input.
absl::StatusOr<ListenAddress> ParseListenAddress(std::string_view text);

}  // namespace reconcile::cli
