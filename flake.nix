# reconcile as a Nix flake: the tool, a generic NixOS guest image for libvirt,
# a NixOS module running `reconcile watch`, and a development shell.
# Build commands and how the pieces fit: docs/nixos.md.
{
  description = "reconcile: a desired-state controller for virtual-machine clusters on libvirt";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.05";

  outputs = { self, nixpkgs }:
    let
      systems = [ "x86_64-linux" "aarch64-linux" ];
      forAllSystems = f: nixpkgs.lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});
    in
    {
      packages = forAllSystems (pkgs: rec {
        reconcile = pkgs.callPackage ./nix/package.nix { };
        image = import ./nix/image.nix { inherit nixpkgs; inherit (pkgs) system; };
        default = reconcile;
      });

      # The service module, with this flake's package as the default.
      nixosModules.reconcile = { pkgs, lib, ... }: {
        imports = [ ./nix/module.nix ];
        services.reconcile.package = lib.mkDefault self.packages.${pkgs.system}.reconcile;
      };
      nixosModules.default = self.nixosModules.reconcile;

      devShells = forAllSystems (pkgs: {
        default = import ./nix/shell.nix {
          inherit pkgs;
          reconcile = self.packages.${pkgs.system}.reconcile;
        };
      });
    };
}
