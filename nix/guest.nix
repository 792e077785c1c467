# The generic NixOS guest: what every image built by nix/image.nix runs, and
# also the image's /etc/nixos/configuration.nix, so that `nixos-rebuild` on a
# node (which reconcile runs for nixos steps) rebuilds this same system plus
# the role modules reconcile adds under /etc/nixos/reconcile.
#
# Nothing cluster specific: identity (hostname, root's authorized key, the SSH
# host key) comes from a cloud-init NoCloud seed at first boot; roles are
# pushed over SSH by reconcile.
{ pkgs, modulesPath, ... }:

{
  imports = [ (modulesPath + "/profiles/qemu-guest.nix") ];

  fileSystems."/" = {
    device = "/dev/disk/by-label/nixos";
    fsType = "ext4";
    autoResize = true;
  };
  boot.growPartition = true;
  boot.loader.grub.device = "/dev/vda";
  boot.loader.timeout = 1;
  # Serial console: `virsh console` works from the first boot message.
  boot.kernelParams = [ "console=tty0" "console=ttyS0,115200n8" ];

  # DHCP on the first NIC (eth0 with classic names), sending the hostname so
  # libvirt's dnsmasq records it with the lease.
  networking.usePredictableInterfaceNames = false;
  networking.useDHCP = false;
  networking.interfaces.eth0.useDHCP = true;
  networking.hostName = "";  # from the seed (cloud-init), not the image

  services.openssh = {
    enable = true;
    settings = {
      PasswordAuthentication = false;
      KbdInteractiveAuthentication = false;
      PermitRootLogin = "prohibit-password";
    };
  };

  # cloud-init for identity only: hostname, users' keys, SSH host keys.
  services.cloud-init = {
    enable = true;
    network.enable = false;
    settings = {
      datasource_list = [ "NoCloud" ];
      cloud_init_modules = [ "seed_random" "set_hostname" "update_hostname" "users_groups" "ssh" ];
      cloud_config_modules = [ ];
      cloud_final_modules = [ ];
    };
  };

  services.qemuGuest.enable = true;

  # `nixos-rebuild` on the node uses the nixpkgs this system was built from,
  # kept with the system itself: no channel, no network needed to evaluate.
  system.extraSystemBuilderCmds = "ln -s ${pkgs.path} $out/nixpkgs";
  nix.nixPath = [ "nixpkgs=/run/current-system/nixpkgs" ];
  nix.channel.enable = false;

  system.stateVersion = "24.05";
}
