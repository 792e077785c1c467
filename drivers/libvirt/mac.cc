#include "drivers/libvirt/mac.h"

#include <cstdint>

#include "fmt/format.h"

namespace reconcile::drivers::libvirt {
namespace {

// FNV-1a: tiny, stable across platforms and releases (std::hash is neither).
uint64_t Fnv1a64(std::string_view data, uint64_t hash = 0xcbf29ce484222325ULL) {
  for (unsigned char c : data) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::string FormatMac(uint64_t hash) {
  return fmt::format("52:54:00:{:02x}:{:02x}:{:02x}", (hash >> 56) & 0xff, (hash >> 48) & 0xff,
                     (hash >> 40) & 0xff);
}

uint64_t NodeHash(std::string_view cluster, std::string_view node_name) {
  uint64_t hash = Fnv1a64(cluster);
  hash = Fnv1a64(std::string_view("\0", 1), hash);
  return Fnv1a64(node_name, hash);
}

}  // namespace

std::string DeterministicMac(std::string_view cluster, std::string_view node_name) {
  return FormatMac(NodeHash(cluster, node_name));
}

std::string NicMac(std::string_view cluster, std::string_view node_name, size_t nic) {
  if (nic == 0) return DeterministicMac(cluster, node_name);
  uint64_t hash = Fnv1a64(std::string_view("\0", 1), NodeHash(cluster, node_name));
  return FormatMac(Fnv1a64(std::to_string(nic), hash));
}

}  // namespace reconcile::drivers::libvirt
