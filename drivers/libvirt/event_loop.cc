#include "drivers/libvirt/event_loop.h"

#include <libvirt/libvirt.h>
#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <mutex>
#include <thread>

#include "drivers/libvirt/errors.h"

namespace reconcile::drivers::libvirt {
namespace {

void RunForever() {
  for (;;) {
    // Blocks until a handle or timer is due and dispatches it. It only fails
    // when no implementation is registered, which cannot happen here; the
    // pause keeps a failure from spinning a core.
    if (virEventRunDefaultImpl() < 0) {
      virResetLastError();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
}

bool Start() {
  // The loop thread reports errors too (a keepalive timeout): never print.
  SilenceLibvirtErrorPrinting();
  if (virEventRegisterDefaultImpl() < 0) {
    virResetLastError();
    return false;
  }
  // The thread starts with every signal blocked, so SIGINT/SIGTERM
  // handlers run on the program's own threads, never inside libvirt's
  // dispatch; the creating thread's mask is restored right after.
  sigset_t all, previous;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &previous);
  std::thread loop(RunForever);
  // Named before Start returns, so `ps -L`, a debugger and the tests can
  // tell it apart.
  pthread_setname_np(loop.native_handle(), "libvirt-events");
  loop.detach();
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  return true;
}

}  // namespace

bool StartLibvirtEventLoop() {
  static std::once_flag once;
  static bool running = false;
  std::call_once(once, [] { running = Start(); });
  return running;
}

}  // namespace reconcile::drivers::libvirt
