# The cluster's shape, identical on every node: NixOS renders slurm.conf from
# these options. Rendered by reconcile from the spec's groups, so adding a
# compute node changes this module on every node (and so their slurm.conf).
{ ... }:
{
  networking.hostName = "{{ self.name }}";

  services.slurm = {
    clusterName = "{{ vars.slurm_cluster_name }}";
    controlMachine = "{{ group.controller.nodes }}";
    controlAddr = "{{ group.controller.ips }}";
    nodeName = [
      "{{ group.compute.nodes | csv }} NodeAddr={{ group.compute.ips | csv }} CPUs={{ group.compute.cpus }} RealMemory={{ group.compute.memory_mib }} State=UNKNOWN"
    ];
    partitionName = [
      "main Nodes={{ group.compute.nodes | csv }} Default=YES MaxTime=INFINITE State=UP"
    ];
    # The guest sees a little less memory than the domain has: trust the spec.
    extraConfig = ''
      SlurmdParameters=config_overrides
      SrunPortRange=60001-63000
    '';
  };
}
