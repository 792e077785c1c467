// Golden-file comparison: `actual` against a reviewed file in the tree.
// Paths are from the repository root (ctest runs every test there). Run a test
// with RECONCILE_UPDATE_GOLDEN=1 to rewrite its files from the current output
// (the test then passes), and review the diff.
#pragma once

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"

namespace reconcile::testing {

inline void ExpectMatchesGolden(const std::string& actual, const std::string& path) {
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
                         << " (run with RECONCILE_UPDATE_GOLDEN=1 from the repository root to "
                            "create it)";
  std::stringstream expected;
  expected << in.rdbuf();
  EXPECT_EQ(actual, expected.str()) << "output differs from " << path
                                    << " (RECONCILE_UPDATE_GOLDEN=1 rewrites it)";
}

}  // namespace reconcile::testing
