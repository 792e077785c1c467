// SHA-256 (FIPS 180-4). The spec hashes recorded in libvirt metadata and on
// nodes must be identical across processes, builds and machines, which rules
// out absl::Hash and std::hash (both seeded or unspecified).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace reconcile::model {

class Sha256 {
 public:
  Sha256();
  void Update(std::string_view data);
  std::array<uint8_t, 32> Finish();
  // Finish, as lower-case hex.
  std::string FinishHex();

 private:
  void Compress(const uint8_t* block);
  std::array<uint32_t, 8> state_;
  std::array<uint8_t, 64> buffer_{};
  size_t buffered_ = 0;
  uint64_t total_bytes_ = 0;
};

// Lower-case hex digest of `data`.
std::string Sha256Hex(std::string_view data);

}  // namespace reconcile::model
