#include "drivers/libvirt/domain_xml.h"

#include "absl/strings/str_cat.h"
#include "drivers/libvirt/metadata.h"
#include "drivers/libvirt/xml_util.h"

namespace reconcile::drivers::libvirt {
namespace {

std::string Disk(const VolumeDisk& disk, absl::string_view target, bool read_only) {
  return absl::StrCat(
      "    <disk type='volume' device='disk'>\n",
      "      <driver name='qemu' type='", XmlEscape(disk.format), "'/>\n",
      "      <source pool='", XmlEscape(disk.pool), "' volume='", XmlEscape(disk.volume),
      "'/>\n",
      "      <target dev='", target, "' bus='virtio'/>\n",
      read_only ? "      <readonly/>\n" : "",
      "    </disk>\n");
}

}  // namespace

std::string RenderDomainXml(const DomainDefinition& def) {
  const bool qemu = def.domain_type != "test";
  std::string x = absl::StrCat("<domain type='", XmlEscape(def.domain_type), "'>\n");
  absl::StrAppend(&x, "  <name>", XmlEscape(def.name), "</name>\n");
  if (!def.uuid.empty()) absl::StrAppend(&x, "  <uuid>", XmlEscape(def.uuid), "</uuid>\n");
  absl::StrAppend(&x, "  <metadata>\n", RenderOwnershipXml(def.owner, 4), "  </metadata>\n");
  // KiB: libvirt's native unit, exact for every MiB-aligned size.
  absl::StrAppend(&x, "  <memory unit='KiB'>", def.memory_bytes / 1024, "</memory>\n");
  absl::StrAppend(&x, "  <vcpu>", def.vcpus, "</vcpu>\n");
  absl::StrAppend(&x, "  <os>\n    <type arch='x86_64'");
  if (!def.machine.empty()) absl::StrAppend(&x, " machine='", XmlEscape(def.machine), "'");
  absl::StrAppend(&x, ">hvm</type>\n");
  if (!def.kernel.empty()) {
    absl::StrAppend(&x, "    <kernel>", XmlEscape(def.kernel), "</kernel>\n");
    if (!def.initrd.empty()) absl::StrAppend(&x, "    <initrd>", XmlEscape(def.initrd), "</initrd>\n");
    if (!def.cmdline.empty()) absl::StrAppend(&x, "    <cmdline>", XmlEscape(def.cmdline), "</cmdline>\n");
  } else {
    absl::StrAppend(&x, "    <boot dev='hd'/>\n");
  }
  absl::StrAppend(&x, "  </os>\n");
  // ACPI: graceful shutdown presses the virtual power button.
  absl::StrAppend(&x, "  <features><acpi/></features>\n");
  if (def.cpu_mode == "custom") {
    absl::StrAppend(&x, "  <cpu mode='custom' match='exact' check='none'><model fallback='forbid'>",
                    XmlEscape(def.cpu_model), "</model></cpu>\n");
  } else if (!def.cpu_mode.empty()) {
    absl::StrAppend(&x, "  <cpu mode='", XmlEscape(def.cpu_mode), "' check='none'/>\n");
  }
  absl::StrAppend(&x, "  <on_poweroff>destroy</on_poweroff>\n",
                  "  <on_reboot>restart</on_reboot>\n",
                  "  <on_crash>destroy</on_crash>\n");
  absl::StrAppend(&x, "  <devices>\n");
  if (def.root_disk) absl::StrAppend(&x, Disk(*def.root_disk, "vda", false));
  if (def.seed) absl::StrAppend(&x, Disk(*def.seed, "vdb", true));
  absl::StrAppend(&x, "    <interface type='network'>\n",
                  "      <source network='", XmlEscape(def.network), "'/>\n",
                  "      <mac address='", XmlEscape(def.mac), "'/>\n",
                  "      <model type='virtio'/>\n",
                  "    </interface>\n");
  if (qemu) {
    if (!def.console_log.empty()) {
      absl::StrAppend(&x, "    <serial type='pty'><log file='", XmlEscape(def.console_log),
                      "' append='off'/></serial>\n");
    } else {
      absl::StrAppend(&x, "    <serial type='pty'/>\n");
    }
    absl::StrAppend(&x, "    <console type='pty'/>\n");
    if (def.guest_agent_channel) {
      absl::StrAppend(&x, "    <channel type='unix'><target type='virtio' "
                          "name='org.qemu.guest_agent.0'/></channel>\n");
    }
    absl::StrAppend(&x, "    <rng model='virtio'><backend model='random'>/dev/urandom"
                        "</backend></rng>\n",
                    "    <memballoon model='none'/>\n");
  }
  absl::StrAppend(&x, "  </devices>\n</domain>\n");
  return x;
}

}  // namespace reconcile::drivers::libvirt
