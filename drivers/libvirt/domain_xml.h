// Domain XML generation (pure): a fully resolved DomainDefinition in, the XML
// libvirt defines out. Everything that varies is in the struct, so the output
// is compared against golden files in tests.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "drivers/hypervisor.h"

namespace reconcile::drivers::libvirt {

// A disk backed by a volume in a libvirt storage pool.
struct VolumeDisk {
  std::string pool;
  std::string volume;
  std::string format;  // "qcow2" or "raw"
};

// A NIC: on a libvirt network or a host bridge, with its fixed MAC.
struct DomainInterface {
  std::string network;  // <interface type='network'>, or
  std::string bridge;   // <interface type='bridge'>
  std::string mac;
};

// A data disk: vdc, vdd, ... after the root and seed, in this order.
struct DataDisk {
  VolumeDisk volume;  // qcow2
  std::string serial;  // the disk's spec name: /dev/disk/by-id/virtio-<serial>
};

struct DomainDefinition {
  std::string domain_type = "qemu";  // "kvm", "qemu", or "test" (test driver)
  // <cpu>: "host-passthrough", "host-model", or "custom" with `cpu_model`;
  // empty: no element (the test driver).
  std::string cpu_mode;
  std::string cpu_model;
  std::string name;
  std::string uuid;                  // empty: libvirt assigns one
  int vcpus = 1;
  uint64_t memory_bytes = 0;
  std::string arch = "x86_64";
  std::string machine;               // e.g. "q35"; empty: the hypervisor default
  // UEFI: libvirt picks OVMF from the host's firmware descriptors (without
  // secure boot) and keeps an NVRAM file per domain.
  bool uefi = false;
  // Direct kernel boot when `kernel` is set; otherwise boot from root_disk.
  std::string kernel;
  std::string initrd;
  std::string cmdline;
  std::optional<VolumeDisk> root_disk;  // vda, read-write
  std::optional<VolumeDisk> seed;       // vdb, read-only raw ISO labelled cidata
  std::vector<DataDisk> data_disks;     // vdc, vdd, ...
  std::vector<DomainInterface> interfaces;  // in order; the first is the one dialled
  std::string console_log;  // serial console log file; empty: none
  bool guest_agent_channel = true;  // virtio-serial port org.qemu.guest_agent.0
  Ownership owner;
};

std::string RenderDomainXml(const DomainDefinition& def);

}  // namespace reconcile::drivers::libvirt
