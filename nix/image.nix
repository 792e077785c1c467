# A generic NixOS qcow2 image for libvirt guests (nix/guest.nix), built with
# nixpkgs' own disk image machinery (nixos/lib/make-disk-image.nix). The guest
# configuration is copied into the image as /etc/nixos/configuration.nix.
#
#   nix build .#image        # result/nixos.qcow2
{ nixpkgs, system }:

let
  nixos = nixpkgs.lib.nixosSystem {
    inherit system;
    modules = [
      ./guest.nix
      ({ config, lib, pkgs, ... }: {
        system.build.qcow2 = import (nixpkgs + "/nixos/lib/make-disk-image.nix") {
          inherit config lib pkgs;
          format = "qcow2";
          diskSize = "auto";
          additionalSpace = "1024M";
          partitionTableType = "legacy";
          configFile = ./guest.nix;
        };
      })
    ];
  };
in
nixos.config.system.build.qcow2
