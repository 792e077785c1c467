# Development shell: the package's build inputs plus the tools the tests and
# the lab use (libvirt clients, QEMU, busybox/dropbear for the tiny guests).
{ pkgs, reconcile }:

pkgs.mkShell {
  inputsFrom = [ reconcile ];
  packages = with pkgs; [
    ccache
    clang-tools
    gdb
    gtest
    libvirt
    qemu_kvm
    busybox
    dropbear
    cdrkit
    openssh
  ];
}
