#include "drivers/libvirt/domain_xml.h"

#include <iterator>

#include "drivers/libvirt/metadata.h"
#include "drivers/libvirt/xml_util.h"
#include "fmt/format.h"

namespace reconcile::drivers::libvirt {
namespace {

std::string Disk(const VolumeDisk& disk, std::string_view target, bool read_only) {
  return fmt::format(
      "    <disk type='volume' device='disk'>\n"
      "      <driver name='qemu' type='{}'/>\n"
      "      <source pool='{}' volume='{}'/>\n"
      "      <target dev='{}' bus='virtio'/>\n"
      "{}    </disk>\n",
      XmlEscape(disk.format), XmlEscape(disk.pool), XmlEscape(disk.volume), target,
      read_only ? "      <readonly/>\n" : "");
}

// Targets from vdc on whether or not there is a seed, so a disk's target
// never depends on the image.
std::string DataDisks(const std::vector<DataDisk>& disks) {
  std::string out;
  for (size_t i = 0; i < disks.size(); ++i) {
    const DataDisk& disk = disks[i];
    fmt::format_to(std::back_inserter(out),
                   "    <disk type='volume' device='disk'>\n"
                   "      <driver name='qemu' type='{}'/>\n"
                   "      <source pool='{}' volume='{}'/>\n"
                   "      <target dev='vd{}' bus='virtio'/>\n"
                   "      <serial>{}</serial>\n"
                   "    </disk>\n",
                   XmlEscape(disk.volume.format), XmlEscape(disk.volume.pool),
                   XmlEscape(disk.volume.volume), static_cast<char>('c' + i),
                   XmlEscape(disk.serial));
  }
  return out;
}

}  // namespace

std::string RenderDomainXml(const DomainDefinition& def) {
  const bool qemu = def.domain_type != "test";
  std::string x = fmt::format("<domain type='{}'>\n", XmlEscape(def.domain_type));
  auto to = std::back_inserter(x);
  fmt::format_to(to, "  <name>{}</name>\n", XmlEscape(def.name));
  if (!def.uuid.empty()) fmt::format_to(to, "  <uuid>{}</uuid>\n", XmlEscape(def.uuid));
  fmt::format_to(to, "  <metadata>\n{}  </metadata>\n", RenderOwnershipXml(def.owner, 4));
  // KiB: libvirt's native unit, exact for every MiB-aligned size.
  fmt::format_to(to, "  <memory unit='KiB'>{}</memory>\n", def.memory_bytes / 1024);
  fmt::format_to(to, "  <vcpu>{}</vcpu>\n", def.vcpus);
  x += def.uefi ? "  <os firmware='efi'>\n" : "  <os>\n";
  fmt::format_to(to, "    <type arch='{}'", XmlEscape(def.arch));
  if (!def.machine.empty()) fmt::format_to(to, " machine='{}'", XmlEscape(def.machine));
  x += ">hvm</type>\n";
  if (def.uefi) {
    // Without secure boot: generic images' kernels are not all signed.
    x += "    <firmware>\n"
         "      <feature enabled='no' name='secure-boot'/>\n"
         "      <feature enabled='no' name='enrolled-keys'/>\n"
         "    </firmware>\n";
  }
  if (!def.kernel.empty()) {
    fmt::format_to(to, "    <kernel>{}</kernel>\n", XmlEscape(def.kernel));
    if (!def.initrd.empty()) fmt::format_to(to, "    <initrd>{}</initrd>\n", XmlEscape(def.initrd));
    if (!def.cmdline.empty()) {
      fmt::format_to(to, "    <cmdline>{}</cmdline>\n", XmlEscape(def.cmdline));
    }
  } else {
    x += "    <boot dev='hd'/>\n";
  }
  x += "  </os>\n";
  // ACPI: graceful shutdown presses the virtual power button.
  x += "  <features><acpi/></features>\n";
  if (def.cpu_mode == "custom") {
    fmt::format_to(to,
                   "  <cpu mode='custom' match='exact' check='none'>"
                   "<model fallback='forbid'>{}</model></cpu>\n",
                   XmlEscape(def.cpu_model));
  } else if (!def.cpu_mode.empty()) {
    fmt::format_to(to, "  <cpu mode='{}' check='none'/>\n", XmlEscape(def.cpu_mode));
  }
  x += "  <on_poweroff>destroy</on_poweroff>\n"
       "  <on_reboot>restart</on_reboot>\n"
       "  <on_crash>destroy</on_crash>\n";
  x += "  <devices>\n";
  if (def.root_disk) x += Disk(*def.root_disk, "vda", false);
  if (def.seed) x += Disk(*def.seed, "vdb", true);
  x += DataDisks(def.data_disks);
  for (const DomainInterface& nic : def.interfaces) {
    const bool bridge = !nic.bridge.empty();
    fmt::format_to(to,
                   "    <interface type='{}'>\n"
                   "      <source {}='{}'/>\n"
                   "      <mac address='{}'/>\n"
                   "      <model type='virtio'/>\n"
                   "    </interface>\n",
                   bridge ? "bridge" : "network", bridge ? "bridge" : "network",
                   XmlEscape(bridge ? nic.bridge : nic.network), XmlEscape(nic.mac));
  }
  if (qemu) {
    if (!def.console_log.empty()) {
      fmt::format_to(to, "    <serial type='pty'><log file='{}' append='off'/></serial>\n",
                     XmlEscape(def.console_log));
    } else {
      x += "    <serial type='pty'/>\n";
    }
    x += "    <console type='pty'/>\n";
    if (def.guest_agent_channel) {
      x += "    <channel type='unix'><target type='virtio' "
           "name='org.qemu.guest_agent.0'/></channel>\n";
    }
    x += "    <rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>\n"
         "    <memballoon model='none'/>\n";
  }
  x += "  </devices>\n</domain>\n";
  return x;
}

}  // namespace reconcile::drivers::libvirt
