// Decoding of a located YAML tree into a Spec: shapes, types, units, ranges and
// names of each field in isolation. Cross-references (group -> image, role ->
// after, templates) are checked afterwards by ValidateSpec (model/validate.h).
#pragma once

#include "model/spec.h"
#include "model/spec_sources.h"
#include "model/yaml_reader.h"

namespace reconcile::model {

// Upper bounds that keep a spec from expanding into unbounded work.
inline constexpr int64_t kMaxGroupCount = 1000;
inline constexpr int64_t kMaxTotalNodes = 10000;

void DecodeSpec(const YamlNode& root, YamlReader& reader, Spec& spec, SpecSources& sources);

// Parts, exposed for decode_spec.cc / decode_roles.cc.
void DecodeRoles(const YamlNode& node, YamlReader& reader, Spec& spec, SpecSources& sources);
// `group` is the index of the group whose vars these are, -1 for the top
// level; secrets read from files or the environment are noted in `secrets`.
void DecodeVars(const YamlNode& node, YamlReader& reader, std::string_view where,
                std::vector<Variable>& vars, std::vector<SourceLocation>* locations,
                int group, std::vector<SecretSource>& secrets);
// Reports `key` unless it is an identifier (names of variables and outputs,
// which templates reference as vars.<name> / outputs.<name>).
void RequireIdentifier(YamlReader& reader, const YamlNode& key, std::string_view what);
// Reports `name`, of a `kind` ("cluster", "group", "role", ...), at `at` unless
// it is a DNS label (names that become host and domain names).
void RequireDnsLabel(YamlReader& reader, const YamlNode& at, std::string_view name,
                     std::string_view kind);
// The name of a map entry that names a group or a role: `key`, checked to be
// a DNS label, with where it stands in the spec and in its sources.
template <typename EntrySpec, typename EntrySources>
void DecodeEntryName(YamlReader& reader, const YamlNode& key, std::string_view kind,
                     EntrySpec& entry, EntrySources& where) {
  RequireDnsLabel(reader, key, key.value, kind);
  entry.name = key.value;
  entry.location = reader.At(key);
  where.name = reader.At(key);
}
// A list of strings (`after`, a group's `roles`, `placement.hosts`): each item's
// value into `values` and its place into `locations`. False when `node` is not
// such a list (reported).
bool DecodeStringList(YamlReader& reader, const YamlNode& node, std::string_view what,
                      std::vector<std::string>& values, std::vector<SourceLocation>& locations);
// A group's `disks` list (model/decode_disks.cc).
void DecodeDataDisks(const YamlNode& node, YamlReader& reader, GroupSpec& group);
// The `hypervisors:` list of `root` (model/decode_hosts.cc), and a group's
// `placement` mapping.
void DecodeHypervisors(const YamlNode& root, YamlReader& reader, Spec& spec);
void DecodePlacement(const YamlNode& node, YamlReader& reader, GroupSpec& group,
                     GroupSources& where);
// The `domain_type` and `cpu` keys of a hypervisor (either form), if given.
void DecodeGuestPlatform(const YamlNode& node, YamlReader& reader, HypervisorSpec& host);
// A hypervisor's `create_network` (either form of host; decode_networks.cc).
void DecodeOwnedNetworks(const YamlNode& host_node, YamlReader& reader, HypervisorSpec& host);
// A group's `networks`, `firmware`, `arch` and `autostart` (decode_machine.cc).
void DecodeMachine(const YamlNode& body, YamlReader& reader, GroupSpec& group);
// A string that must not be empty.
std::optional<std::string> NonEmptyString(YamlReader& reader, const YamlNode& node,
                                          std::string_view what);

}  // namespace reconcile::model
