# Kubernetes worker, rendered per node by reconcile. The control plane's name
# and address come from the spec's topology ({{ group.control.nodes }},
# {{ group.control.ips }}); the spec's `join` step then hands it the API token.
{ ... }:
{
  networking.hostName = "{{ self.name }}";
  networking.extraHosts = "{{ group.control.ips }} {{ group.control.nodes }}";

  services.kubernetes = {
    roles = [ "node" ];
    masterAddress = "{{ group.control.nodes }}";
    apiserverAddress = "https://{{ group.control.nodes }}:6443";
    easyCerts = true;
    kubelet.kubeconfig.server = "https://{{ group.control.nodes }}:6443";
    addons.dns.enable = true;
  };

  # kubelet; flannel's VXLAN.
  networking.firewall.allowedTCPPorts = [ 10250 ];
  networking.firewall.allowedUDPPorts = [ 8472 ];
}
