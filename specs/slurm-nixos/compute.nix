# A SLURM compute node: munge (with the controller's key, placed by the spec's
# munge-key steps) and slurmd, with the topology of topology.nix.
{ ... }:
{
  services.munge.enable = true;
  services.slurm.client.enable = true;
  systemd.tmpfiles.rules = [ "z /etc/munge/munge.key 0400 munge munge -" ];
  networking.firewall.allowedTCPPorts = [ 6818 ];
  networking.firewall.allowedTCPPortRanges = [ { from = 60001; to = 63000; } ];
}
