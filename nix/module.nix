# services.reconcile: runs `reconcile watch` as a hardened systemd service that
# keeps the cluster of `spec` converged (on spec changes and every interval),
# or, with `git`, the cluster of a spec committed to a branch (GitOps: each
# new commit is fetched, validated and applied; `systemctl reload` fetches now).
#
# The service has no user of its own (DynamicUser); it reaches libvirt through
# the libvirtd group's socket and nodes over SSH with a key handed to it as a
# systemd credential. Its lock directory is its StateDirectory, so two
# instances on one host never converge the same cluster at once.
{ config, lib, pkgs, ... }:

let
  cfg = config.services.reconcile;
  inherit (lib) mkOption mkEnableOption types;
  gitCfg = cfg.git;
  # The service's HOME is its state directory: libgit2 looks for the deploy
  # key, known_hosts and .git-credentials under ~ (docs/operations.md).
  home = "/var/lib/reconcile";
  knownHostsFile = pkgs.writeText "reconcile-git-known-hosts" gitCfg.knownHosts;
  # Runs as the service's user before each start: links what the git fetch
  # needs into ~ (credentials live in /run/credentials while the unit runs).
  linkGitFiles = pkgs.writeShellScript "reconcile-link-git-files" ''
    set -eu
    mkdir -p ${home}/.ssh
    ln -sfn ${knownHostsFile} ${home}/.ssh/known_hosts
    ${lib.optionalString (gitCfg.sshKeyFile != null)
      ''ln -sfn "$CREDENTIALS_DIRECTORY/git-ssh-key" ${home}/.ssh/id_ed25519''}
    ${lib.optionalString (gitCfg.credentialsFile != null)
      ''ln -sfn "$CREDENTIALS_DIRECTORY/git-credentials" ${home}/.git-credentials''}
  '';
  source =
    if gitCfg == null then [ cfg.spec ]
    else [ "--git" gitCfg.url "--branch" gitCfg.branch "--path" gitCfg.path
           "--git-poll" gitCfg.poll "--state-dir" home ];
in
{
  options.services.reconcile = {
    enable = mkEnableOption "the reconcile controller (reconcile watch)";

    package = mkOption {
      type = types.package;
      description = "The reconcile package (the flake's module sets its own).";
    };

    spec = mkOption {
      type = types.nullOr types.str;
      default = null;
      example = "/etc/reconcile/k8s-nixos.yaml";
      description = ''
        Absolute path of the cluster spec. NixOS modules it names are read
        relative to its directory, so keep them together, e.g.
        "''${./cluster}/k8s-nixos.yaml" copies the whole directory.
        Exactly one of spec and git is set.
      '';
    };

    git = mkOption {
      default = null;
      description = ''
        Follow a spec committed to a git branch instead of a file: every
        poll (and `systemctl reload reconcile`) fetches the branch; a new
        commit whose spec loads is applied, one that does not is refused and
        the last good commit stays (docs/operations.md, GitOps).
      '';
      type = types.nullOr (types.submodule {
        options = {
          url = mkOption {
            type = types.str;
            example = "git@git.example.com:lab/clusters.git";
            description = "The repository: a path, ssh://, git@host:path, https:// or file:// URL.";
          };
          branch = mkOption {
            type = types.str;
            default = "main";
            description = "The branch to follow.";
          };
          path = mkOption {
            type = types.str;
            example = "clusters/lab.yaml";
            description = "The spec's path inside the repository; its modules are read from the same commit.";
          };
          poll = mkOption {
            type = types.str;
            default = "1m";
            description = "How often to fetch (at least 1s).";
          };
          knownHosts = mkOption {
            type = types.lines;
            default = "";
            example = "git.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA...";
            description = ''
              known_hosts lines for an ssh URL's server: its host key is
              checked against them, and a fetch from an unknown or changed
              key fails.
            '';
          };
          sshKeyFile = mkOption {
            type = types.nullOr (types.strMatching "/.+");
            default = null;
            example = "/etc/reconcile/git_deploy_key";
            description = ''
              Absolute path (a string, not a Nix path) of the deploy key for
              an ssh URL, handed over as the credential "git-ssh-key".
            '';
          };
          credentialsFile = mkOption {
            type = types.nullOr (types.strMatching "/.+");
            default = null;
            example = "/etc/reconcile/git-credentials";
            description = ''
              Absolute path of a git-credentials file
              (https://user:token@host/path lines) for an https URL, handed
              over as the credential "git-credentials".
            '';
          };
        };
      });
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
    assertions = [
      {
        assertion = (cfg.spec == null) != (gitCfg == null);
        message = "services.reconcile: set exactly one of spec and git";
      }
      {
        assertion = cfg.spec == null || lib.hasPrefix "/" cfg.spec;
        message = "services.reconcile.spec must be an absolute path";
      }
    ];

    systemd.services.reconcile = {
      description = "reconcile: keep the libvirt cluster converged";
      wantedBy = [ "multi-user.target" ];
      wants = [ "network-online.target" ];
      after = [ "network-online.target" "libvirtd.service" ];

      serviceConfig = {
        ExecStart = lib.escapeShellArgs ([ (lib.getExe cfg.package) "watch" ] ++ source
          ++ [ "--lock-dir" "${home}/locks" ]
          ++ lib.optionals (cfg.interval != null) [ "--interval" cfg.interval ]
          ++ lib.optionals (cfg.listen != null) [ "--listen" cfg.listen ]);
        ExecStartPre = lib.optional (gitCfg != null) linkGitFiles;
        # With git: fetch the branch now (a push hook can call it).
        ExecReload = lib.optional (gitCfg != null) "${pkgs.coreutils}/bin/kill -HUP $MAINPID";
        Environment = [ "HOME=${home}" ];
        Restart = "on-failure";
        RestartSec = "10s";

        DynamicUser = true;
        SupplementaryGroups = [ cfg.libvirtGroup ];
        StateDirectory = "reconcile";
        StateDirectoryMode = "0700";
        LoadCredential = lib.optional (cfg.sshKeyFile != null) "ssh-key:${cfg.sshKeyFile}"
          ++ lib.optionals (gitCfg != null) (
            lib.optional (gitCfg.sshKeyFile != null) "git-ssh-key:${gitCfg.sshKeyFile}"
            ++ lib.optional (gitCfg.credentialsFile != null) "git-credentials:${gitCfg.credentialsFile}");
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
