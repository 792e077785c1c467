// Golden-file comparison for renderer tests. Files live in
// tests/cli/render/golden/ (tests run from the repository root); run a test with
// RECONCILE_UPDATE_GOLDEN=1 to rewrite them, then review the diff.
#pragma once

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"

namespace reconcile::testing {

inline void ExpectMatchesGolden(const std::string& actual, const std::string& name) {
  const std::string path = "tests/cli/render/golden/" + name;
  const char* update = std::getenv("RECONCILE_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << actual;
    ASSERT_TRUE(out.good()) << "cannot write " << path;
    std::cerr << "rewrote " << path << "\n";
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in.good()) << "missing golden file " << path
                         << " (run with RECONCILE_UPDATE_GOLDEN=1 to create it)";
  std::stringstream expected;
  expected << in.rdbuf();
  EXPECT_EQ(actual, expected.str()) << "output differs from " << path
                                    << " (RECONCILE_UPDATE_GOLDEN=1 rewrites it)";
}

}  // namespace reconcile::testing
