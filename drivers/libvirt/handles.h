// RAII owners for libvirt object pointers.
#pragma once

#include <libvirt/libvirt.h>

#include <memory>
#include <type_traits>

namespace reconcile::drivers::libvirt {

template <typename Ptr, int (*Free)(Ptr)>
struct LibvirtDeleter {
  void operator()(Ptr p) const { if (p != nullptr) Free(p); }
};
template <typename Ptr, int (*Free)(Ptr)>
using LibvirtHandle = std::unique_ptr<std::remove_pointer_t<Ptr>, LibvirtDeleter<Ptr, Free>>;

using DomainHandle = LibvirtHandle<virDomainPtr, virDomainFree>;
using PoolHandle = LibvirtHandle<virStoragePoolPtr, virStoragePoolFree>;
using VolumeHandle = LibvirtHandle<virStorageVolPtr, virStorageVolFree>;
using StreamHandle = LibvirtHandle<virStreamPtr, virStreamFree>;
using NetworkHandle = LibvirtHandle<virNetworkPtr, virNetworkFree>;
// One reference to a connection (virConnectRef'd): valid while held, even if
// its Connection reconnects meanwhile.
using ConnectionHandle = LibvirtHandle<virConnectPtr, virConnectClose>;

// Frees a libvirt-allocated string after copying it.
inline std::string TakeLibvirtString(char* s) {
  std::string out = s != nullptr ? s : "";
  free(s);
  return out;
}

}  // namespace reconcile::drivers::libvirt
