// CheckCreate: what CreateNode needs, checked before anything is created or
// deleted; and the log tails that explain a guest that died while booting.
#include <libvirt/libvirt.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

#include "base/status_macros.h"
#include "drivers/libvirt/data_disks.h"
#include "drivers/libvirt/errors.h"
#include "drivers/libvirt/domain_xml.h"
#include "drivers/libvirt/guest_platform.h"
#include "drivers/libvirt/handles.h"
#include "drivers/libvirt/image_upload.h"
#include "drivers/libvirt/libvirt_hypervisor_impl.h"
#include "drivers/libvirt/storage.h"
#include "fmt/format.h"

namespace reconcile::drivers::libvirt {
namespace {

// What a create writes into the pool at once: a seed ISO (under 400 KiB) and
// a fresh overlay's header (~200 KiB). A pool with less free fails the create
// half-way; a full one is the common case this catches.
constexpr uint64_t kMinPoolFree = uint64_t{512} << 10;

absl::Status CheckNetwork(virConnectPtr conn, const std::string& network) {
  NetworkHandle net(virNetworkLookupByName(conn, network.c_str()));
  if (!net) {
    absl::Status status = LastLibvirtError(fmt::format("network \"{}\"", network));
    if (!absl::IsNotFound(status)) return status;
    return absl::FailedPreconditionError(fmt::format(
        "network \"{}\" does not exist (virsh net-list --all lists the networks)", network));
  }
  if (virNetworkIsActive(net.get()) != 1) {
    virResetLastError();
    return absl::FailedPreconditionError(
        fmt::format("network \"{}\" is not active (virsh net-start {})", network, network));
  }
  return absl::OkStatus();
}

// A host bridge, asked of libvirt's interface driver (which sees the daemon's
// network namespace). A daemon without one cannot tell: then the create says.
absl::Status CheckBridge(virConnectPtr conn, const std::string& bridge) {
  LibvirtHandle<virInterfacePtr, virInterfaceFree> found(
      virInterfaceLookupByName(conn, bridge.c_str()));
  if (found) return absl::OkStatus();
  virErrorPtr error = virGetLastError();
  const bool missing = error != nullptr && error->code == VIR_ERR_NO_INTERFACE;
  virResetLastError();
  if (!missing) return absl::OkStatus();
  return absl::FailedPreconditionError(fmt::format(
      "bridge \"{}\" does not exist on the host (virsh iface-list --all lists its interfaces)",
      bridge));
}

// The guest architecture among the host's capabilities.
absl::Status CheckArch(virConnectPtr conn, const std::string& arch) {
  char* caps = virConnectGetCapabilities(conn);
  if (caps == nullptr) return LastLibvirtError("host capabilities");
  const std::string xml = TakeLibvirtString(caps);
  if (xml.find(fmt::format("<arch name='{}'>", arch)) != std::string::npos) return absl::OkStatus();
  return absl::FailedPreconditionError(fmt::format(
      "the host offers no {} guests (virsh capabilities lists its guest architectures; "
      "an emulator such as qemu-system-arm provides them)",
      arch));
}

// UEFI: libvirt finds OVMF through the firmware descriptors of the host's
// packages (Debian's ovmf); its domain capabilities list "efi" then.
absl::Status CheckUefi(virConnectPtr conn, const DomainDefinition& def) {
  char* caps = virConnectGetDomainCapabilities(conn, nullptr, def.arch.c_str(),
                                               def.machine.c_str(), def.domain_type.c_str(), 0);
  if (caps == nullptr) return LastLibvirtError("domain capabilities (firmware)");
  const std::string xml = TakeLibvirtString(caps);
  const size_t firmware = xml.find("<enum name='firmware'>");
  const size_t end = xml.find("</enum>", firmware);
  if (firmware != std::string::npos && end != std::string::npos &&
      xml.substr(firmware, end - firmware).find("<value>efi</value>") != std::string::npos) {
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(
      "firmware uefi: the host offers no UEFI firmware for this machine (install OVMF: "
      "Debian's ovmf package)");
}

absl::Status CheckReadable(std::string_view what, const std::string& path) {
  if (path.empty() || access(path.c_str(), R_OK) == 0) return absl::OkStatus();
  return absl::FailedPreconditionError(
      fmt::format("{} {} cannot be read: {}", what, path, strerror(errno)));
}

// The last `lines` lines of a file, or "" when it cannot be read.
std::string LastLines(const std::string& path, int lines) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  size_t start = text.size();
  for (int i = 0; i < lines && start != std::string::npos && start > 0; ++i) {
    start = text.rfind('\n', start - 1);
  }
  return start == std::string::npos ? text : text.substr(start + 1);
}

}  // namespace

bool LibvirtHypervisor::LocalHost() const {
  // "qemu:///system", "qemu+unix:///system?socket=..." are local; a URI with
  // a host ("qemu+ssh://h/system") is not. The test driver runs in-process
  // and reads no files, so nothing on disk is checked for it.
  if (offered_type_ == "test") return false;
  const std::string& uri = connection_->uri();  // the one in use, shared or not
  const size_t scheme = uri.find("://");
  return scheme != std::string::npos && uri.compare(scheme + 3, 1, "/") == 0;
}

absl::Status LibvirtHypervisor::CheckCreate(const NodeRequest& request) {
  RETURN_IF_ERROR(ValidateRequest(request));
  const model::Node& node = request.node;
  const model::HypervisorSpec& host = request.hypervisor;
  RETURN_IF_ERROR(ResolveGuestPlatform(offered_type_, host.domain_type, host.cpu).status());
  ASSIGN_OR_RETURN(ConnectionHandle held, Conn());
  virConnectPtr conn = held.get();
  uint64_t to_upload = 0;
  if (!node.image.source.empty()) {  // a file beside reconcile, wherever the host is
    ASSIGN_OR_RETURN(SourceImage source, InspectSourceImage(node.image.source));
    if (node.disk_bytes != 0 && node.disk_bytes < source.virtual_size) {
      return absl::FailedPreconditionError(
          fmt::format("image {}: disk {} bytes is smaller than {} ({} bytes); a disk cannot shrink",
                      node.image.name, node.disk_bytes, node.image.source, source.virtual_size));
    }
    if (absl::StatusOr<uint64_t> left = BytesToUpload(conn, host.pool, source); left.ok()) {
      to_upload = *left;
    }  // else: CheckPoolUsable names what is wrong with the pool
  }
  if (!node.image.disk.empty() || !node.image.source.empty() || node.image.seed) {
    RETURN_IF_ERROR(CheckPoolUsable(conn, host.pool, kMinPoolFree + to_upload));
  }
  for (const DomainInterface& nic : Interfaces(request)) {
    // A network the cluster creates is made before any node that needs it
    // (the plan orders it first and checks it on its own).
    if (!nic.network.empty() && host.FindCreatedNetwork(nic.network) != nullptr) continue;
    RETURN_IF_ERROR(nic.bridge.empty() ? CheckNetwork(conn, nic.network)
                                       : CheckBridge(conn, nic.bridge));
  }
  // libvirt's test driver lists only i686 guests yet defines x86_64 ones.
  if (offered_type_ != "test" || node.arch != "x86_64") RETURN_IF_ERROR(CheckArch(conn, node.arch));
  if (node.firmware == "uefi" && offered_type_ != "test") {
    ASSIGN_OR_RETURN(DomainDefinition def, DefinitionFor(request, Ownership{}));
    RETURN_IF_ERROR(CheckUefi(conn, def));
  }
  RETURN_IF_ERROR(CheckDataDisks(conn, request, kMinPoolFree));
  const bool local = LocalHost();
  const HostFiles files = offered_type_ == "test" ? HostFiles::kUnread
                          : local                 ? HostFiles::kLocal
                                                  : HostFiles::kRemote;
  if (!node.image.disk.empty()) {
    RETURN_IF_ERROR(CheckBaseImage(conn, node.image.disk, node.disk_bytes, files));
  }
  if (local) {
    RETURN_IF_ERROR(
        CheckReadable(fmt::format("image {}: kernel", node.image.name), node.image.kernel));
    RETURN_IF_ERROR(
        CheckReadable(fmt::format("image {}: initrd", node.image.name), node.image.initrd));
  }
  return absl::OkStatus();
}

std::string LibvirtHypervisor::LogTails(std::string_view name) const {
  std::string out;
  auto add = [&](std::string_view label, const std::string& path) {
    const std::string tail = LastLines(path, 12);
    if (!tail.empty()) {
      fmt::format_to(std::back_inserter(out), "\n--- {} ({}) ---\n{}", label, path, tail);
    }
  };
  if (!options_.console_log_dir.empty()) {
    add("console", fmt::format("{}/{}.console.log", options_.console_log_dir, name));
  }
  std::string qemu_dir = options_.qemu_log_dir;
  if (qemu_dir.empty() && LocalHost()) qemu_dir = "/var/log/libvirt/qemu";
  if (!qemu_dir.empty()) add("QEMU log", fmt::format("{}/{}.log", qemu_dir, name));
  if (out.empty()) out = " (no console or QEMU log readable here)";
  return out;
}

}  // namespace reconcile::drivers::libvirt
