// This test verifies the SHA-256 implementation against the FIPS 180-4 /
// NIST test vectors, including inputs that cross block boundaries.
#include "model/sha256.h"

#include "gtest/gtest.h"

namespace reconcile::model {
namespace {

TEST(Sha256Test, MatchesKnownVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(Sha256Hex(std::string(1'000'000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256Test, IncrementalUpdatesEqualOneShot) {
  const std::string text = "The quick brown fox jumps over the lazy dog, twice over: " +
                           std::string(130, 'x');
  for (size_t split = 0; split <= text.size(); split += 7) {
    Sha256 hasher;
    hasher.Update(std::string_view(text).substr(0, split));
    hasher.Update(std::string_view(text).substr(split));
    auto digest = hasher.Finish();
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    for (uint8_t byte : digest) {
      hex += kHex[byte >> 4];
      hex += kHex[byte & 15];
    }
    EXPECT_EQ(hex, Sha256Hex(text)) << "split at " << split;
  }
}

}  // namespace
}  // namespace reconcile::model
