// libvirt's event loop, run once per process on a thread of its own.
//
// Without a registered event implementation libvirt's remote driver has no
// asynchronous I/O, so it cannot run keepalive (virConnectSetKeepAlive
// fails), a connection whose link silently died is only noticed when TCP
// gives up (about 15 minutes), and close callbacks never fire. libvirt only
// wires a connection to the loop when the loop is registered before that
// connection is opened, so Connection starts it before its first open.
#pragma once

namespace reconcile::drivers::libvirt {

// Registers libvirt's default event implementation and starts the thread
// that runs it, the first time it is called; later calls do nothing. True
// when the loop runs (false only if libvirt refused the registration: the
// driver then works as before, without keepalive).
//
// The thread runs for the rest of the process and is never joined: libvirt
// cannot unregister an event implementation, and any connection still open
// (a caller may hold a reference) keeps its socket and keepalive timer in
// the loop. Stopping it at exit, as virsh does, would need every connection
// closed first and buys nothing for a process that is ending; the thread
// touches only libvirt's own state and callbacks that their owners
// unregister before they go away (Connection's close callback).
bool StartLibvirtEventLoop();

}  // namespace reconcile::drivers::libvirt
