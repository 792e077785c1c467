#include "drivers/libvirt/errors.h"

#include <libvirt/libvirt.h>

#include <mutex>

#include "fmt/format.h"

namespace reconcile::drivers::libvirt {

absl::StatusCode StatusCodeForLibvirtError(int libvirt_code, int libvirt_domain) {
  if (libvirt_code == VIR_ERR_INTERNAL_ERROR && libvirt_domain == VIR_FROM_RPC) {
    return absl::StatusCode::kUnavailable;
  }
  switch (libvirt_code) {
    case VIR_ERR_OK:
      return absl::StatusCode::kOk;
    case VIR_ERR_NO_CONNECT:
    case VIR_ERR_INVALID_CONN:
    case VIR_ERR_SYSTEM_ERROR:
    case VIR_ERR_RPC:
    case VIR_ERR_OPERATION_TIMEOUT:
    case VIR_ERR_AGENT_UNRESPONSIVE:
    case VIR_ERR_AGENT_UNSYNCED:
    case VIR_ERR_RESOURCE_BUSY:
    case VIR_ERR_NO_SERVER:
      return absl::StatusCode::kUnavailable;
    case VIR_ERR_NO_DOMAIN:
    case VIR_ERR_NO_NETWORK:
    case VIR_ERR_NO_STORAGE_POOL:
    case VIR_ERR_NO_STORAGE_VOL:
    case VIR_ERR_NO_DOMAIN_METADATA:
    case VIR_ERR_NO_NODE_DEVICE:
    case VIR_ERR_NO_SECRET:
    case VIR_ERR_NO_INTERFACE:
      return absl::StatusCode::kNotFound;
    case VIR_ERR_DOM_EXIST:
    case VIR_ERR_NETWORK_EXIST:
    case VIR_ERR_STORAGE_VOL_EXIST:
    case VIR_ERR_MULTIPLE_DOMAINS:
      return absl::StatusCode::kAlreadyExists;
    case VIR_ERR_INVALID_ARG:
    case VIR_ERR_XML_ERROR:
    case VIR_ERR_XML_DETAIL:
    case VIR_ERR_XML_INVALID_SCHEMA:
    case VIR_ERR_INVALID_MAC:
    case VIR_ERR_OS_TYPE:
    case VIR_ERR_NO_KERNEL:
    case VIR_ERR_NO_NAME:
    case VIR_ERR_NO_OS:
    case VIR_ERR_NO_SOURCE:
    case VIR_ERR_NO_TARGET:
    case VIR_ERR_CONFIG_UNSUPPORTED:
      return absl::StatusCode::kInvalidArgument;
    case VIR_ERR_OPERATION_INVALID:
    case VIR_ERR_NO_SUPPORT:
    case VIR_ERR_OPERATION_UNSUPPORTED:
    case VIR_ERR_ARGUMENT_UNSUPPORTED:
      return absl::StatusCode::kFailedPrecondition;
    case VIR_ERR_OPERATION_DENIED:
    case VIR_ERR_ACCESS_DENIED:
      return absl::StatusCode::kPermissionDenied;
    case VIR_ERR_AUTH_FAILED:
    case VIR_ERR_AUTH_CANCELLED:
    case VIR_ERR_AUTH_UNAVAILABLE:
      return absl::StatusCode::kUnauthenticated;
    case VIR_ERR_OPERATION_ABORTED:
      return absl::StatusCode::kAborted;
    case VIR_ERR_NO_MEMORY:
      return absl::StatusCode::kResourceExhausted;
    default:
      return absl::StatusCode::kInternal;
  }
}

absl::Status StatusFromLibvirtError(const virError* error, std::string_view context) {
  if (error == nullptr || error->code == VIR_ERR_OK) {
    return absl::UnknownError(fmt::format("{}: libvirt failed without an error", context));
  }
  const char* message = error->message != nullptr ? error->message : "(no message)";
  return absl::Status(StatusCodeForLibvirtError(error->code, error->domain),
                      fmt::format("{}: {}", context, message));
}

absl::Status LastLibvirtError(std::string_view context) {
  absl::Status status = StatusFromLibvirtError(virGetLastError(), context);
  virResetLastError();
  return status;
}

namespace {
void IgnoreLibvirtError(void* /*user_data*/, virErrorPtr /*error*/) {}
}  // namespace

void SilenceLibvirtErrorPrinting() {
  static std::once_flag once;
  std::call_once(once, [] { virSetErrorFunc(nullptr, IgnoreLibvirtError); });
}

}  // namespace reconcile::drivers::libvirt
