// Whether the tests run under CI (.ci/run sets CI=true), where a missing tool
// or daemon must fail a test, not skip it.
#pragma once

#include <cstdlib>
#include <string_view>

namespace reconcile::testing {

inline bool InCi() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string_view(ci) == "true";
}

}  // namespace reconcile::testing
