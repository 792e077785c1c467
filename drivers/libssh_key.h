// An owning pointer to a libssh key: what every user of ssh_key holds it in.
#pragma once

#include <libssh/libssh.h>

#include <memory>
#include <type_traits>

namespace reconcile::drivers {

struct SshKeyFree {
  void operator()(ssh_key key) const { ssh_key_free(key); }
};
using SshKeyPtr = std::unique_ptr<std::remove_pointer_t<ssh_key>, SshKeyFree>;

}  // namespace reconcile::drivers
