# Kubernetes control plane (and a node itself), rendered per node by
# reconcile: {{ self.name }} and {{ self.ip }} are filled in at apply time.
# NixOS's own kubernetes module does the work: easyCerts runs a cfssl CA on
# this node that workers join with the API token (see the spec's `join`).
{ pkgs, ... }:
{
  networking.hostName = "{{ self.name }}";
  networking.extraHosts = "{{ self.ip }} {{ self.name }}";

  services.kubernetes = {
    roles = [ "master" "node" ];
    masterAddress = "{{ self.name }}";
    apiserverAddress = "https://{{ self.name }}:6443";
    easyCerts = true;
    apiserver = {
      securePort = 6443;
      advertiseAddress = "{{ self.ip }}";
    };
    addons.dns.enable = true;
  };

  # API server, cfssl (easyCerts), kubelet; flannel's VXLAN.
  networking.firewall.allowedTCPPorts = [ 6443 8888 10250 ];
  networking.firewall.allowedUDPPorts = [ 8472 ];

  environment.systemPackages = [ pkgs.kubectl ];
}
