// The keys each mapping of a spec accepts. The decoder rejects anything else
// (with did-you-mean), and tests check docs/spec.schema.json lists the same.
#pragma once

#include <array>
#include <string_view>

namespace reconcile::model::keys {

inline constexpr std::array<std::string_view, 9> kTopLevel = {
    "cluster", "hypervisor", "hypervisors", "ssh", "images", "groups", "roles", "vars", "policy"};
inline constexpr std::array<std::string_view, 6> kHypervisor = {
    "uri", "network", "pool", "domain_type", "cpu", "create_network"};
// One entry of the `hypervisors:` list, and its `capacity`.
inline constexpr std::array<std::string_view, 8> kHypervisorsItem = {
    "name", "uri", "network", "pool", "domain_type", "cpu", "capacity", "create_network"};
// One network of a host's `create_network` (a map, or a list of them).
inline constexpr std::array<std::string_view, 3> kOwnedNetwork = {"name", "cidr", "forward"};
inline constexpr std::array<std::string_view, 3> kCapacity = {"cpus", "memory", "domains"};
inline constexpr std::array<std::string_view, 10> kSsh = {
    "user", "identity", "port", "connect_timeout", "known_hosts", "accept_unknown_host_keys",
    "jump_host", "netns", "state_dir", "become"};
inline constexpr std::array<std::string_view, 6> kImage = {"disk", "source", "kernel", "initrd",
                                                           "cmdline", "seed"};
inline constexpr std::array<std::string_view, 15> kGroup = {
    "count", "image", "cpus", "memory", "disk", "roles", "hosts", "vars", "max_unavailable",
    "placement", "disks", "networks", "firmware", "arch", "autostart"};
// One item of a group's `networks` list, when it is a mapping.
inline constexpr std::array<std::string_view, 6> kNic = {"network", "bridge", "address",
                                                         "range", "gateway", "dns"};
inline constexpr std::array<std::string_view, 1> kPlacement = {"hosts"};
// One item of a group's `disks` list.
inline constexpr std::array<std::string_view, 4> kDataDisk = {"name", "size", "pool", "keep"};
inline constexpr std::array<std::string_view, 3> kRole = {"after", "steps", "outputs"};
inline constexpr std::array<std::string_view, 5> kStep = {"name", "run", "check", "files",
                                                          "nixos"};
inline constexpr std::array<std::string_view, 2> kNixos = {"module", "rebuild"};
inline constexpr std::array<std::string_view, 4> kFile = {"path", "content", "mode", "owner"};
inline constexpr std::array<std::string_view, 2> kOutput = {"command", "secret"};
inline constexpr std::array<std::string_view, 2> kVariable = {"value", "secret"};
// `secret: {file: ...}` or `secret: {env: ...}`.
inline constexpr std::array<std::string_view, 2> kSecretSource = {"file", "env"};
inline constexpr std::array<std::string_view, 5> kPolicy = {"prune", "parallel", "probe_parallel",
                                                            "retries", "interval"};

}  // namespace reconcile::model::keys
