# services.reconcile: runs `reconcile watch` as a hardened systemd service that
# keeps the cluster of `spec` converged (on spec changes and every interval).
#
# The service has no user of its own (DynamicUser); it reaches libvirt through
# the libvirtd group's socket and nodes over SSH with a key handed to it as a
# systemd credential. Its lock directory is its StateDirectory, so two
# instances on one host never converge the same cluster at once.
{ config, lib, pkgs, ... }:

let
  cfg = config.services.reconcile;
  inherit (lib) mkOption mkEnableOption types;
in
{
  options.services.reconcile = {
    enable = mkEnableOption "the reconcile controller (reconcile watch)";

    package = mkOption {
      type = types.package;
      description = "The reconcile package (the flake's module sets its own).";
    };

    spec = mkOption {
      type = types.str;
      example = "/etc/reconcile/k8s-nixos.yaml";
      description = ''
        Absolute path of the cluster spec. NixOS modules it names are read
        relative to its directory, so keep them together, e.g.
        "''${./cluster}/k8s-nixos.yaml" copies the whole directory.
      '';
    };

    interval = mkOption {
      type = types.nullOr types.str;
      default = null;
      example = "5m";
      description = "Drift check period; null keeps the spec's policy.interval.";
    };

    listen = mkOption {
      type = types.nullOr types.str;
      default = null;
      example = "127.0.0.1:9464";
      description = "HOST:PORT serving /metrics (Prometheus) and /healthz; null: none.";
    };

    sshKeyFile = mkOption {
      # A string, not a path: a Nix path value is copied into the
      # world-readable store, and this is a private key.
      type = types.nullOr (types.strMatching "/.+");
      default = null;
      example = "/etc/reconcile/id_ed25519";
      description = ''
        Absolute path (a string, never a Nix path: that would copy the key
        into the world-readable store) of the private key for the nodes,
        passed as the credential "ssh-key": point the spec's ssh.identity at
        /run/credentials/reconcile.service/ssh-key.
      '';
    };

    libvirtGroup = mkOption {
      type = types.str;
      default = "libvirtd";
      description = "Group owning the local libvirt socket (qemu:///system).";
    };
  };

  config = lib.mkIf cfg.enable {
    assertions = [{
      assertion = lib.hasPrefix "/" cfg.spec;
      message = "services.reconcile.spec must be an absolute path";
    }];

    systemd.services.reconcile = {
      description = "reconcile: keep the libvirt cluster converged";
      wantedBy = [ "multi-user.target" ];
      wants = [ "network-online.target" ];
      after = [ "network-online.target" "libvirtd.service" ];

      serviceConfig = {
        ExecStart = lib.escapeShellArgs ([
          (lib.getExe cfg.package) "watch" cfg.spec "--lock-dir" "/var/lib/reconcile/locks"
        ] ++ lib.optionals (cfg.interval != null) [ "--interval" cfg.interval ]
          ++ lib.optionals (cfg.listen != null) [ "--listen" cfg.listen ]);
        Restart = "on-failure";
        RestartSec = "10s";

        DynamicUser = true;
        SupplementaryGroups = [ cfg.libvirtGroup ];
        StateDirectory = "reconcile";
        StateDirectoryMode = "0700";
        LoadCredential = lib.optional (cfg.sshKeyFile != null) "ssh-key:${cfg.sshKeyFile}";
        UMask = "0077";

        NoNewPrivileges = true;
        CapabilityBoundingSet = "";
        AmbientCapabilities = "";
        ProtectSystem = "strict";
        ProtectHome = true;
        PrivateTmp = true;
        PrivateDevices = true;
        ProtectHostname = true;
        ProtectClock = true;
        ProtectKernelTunables = true;
        ProtectKernelModules = true;
        ProtectKernelLogs = true;
        ProtectControlGroups = true;
        ProtectProc = "invisible";
        RestrictNamespaces = true;
        RestrictRealtime = true;
        RestrictSUIDSGID = true;
        RestrictAddressFamilies = [ "AF_UNIX" "AF_INET" "AF_INET6" "AF_NETLINK" ];
        LockPersonality = true;
        MemoryDenyWriteExecute = true;
        SystemCallArchitectures = "native";
        SystemCallFilter = [ "@system-service" "~@privileged" "~@resources" ];
      };
    };
  };
}
