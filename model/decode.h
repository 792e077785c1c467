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
// The `hypervisors:` list of `root` (model/decode_hosts.cc), and a group's
// `placement` mapping.
void DecodeHypervisors(const YamlNode& root, YamlReader& reader, Spec& spec);
void DecodePlacement(const YamlNode& node, YamlReader& reader, GroupSpec& group,
                     GroupSources& where);
// The `domain_type` and `cpu` keys of a hypervisor (either form), if given.
void DecodeGuestPlatform(const YamlNode& node, YamlReader& reader, HypervisorSpec& host);
// A string that must not be empty.
std::optional<std::string> NonEmptyString(YamlReader& reader, const YamlNode& node,
                                          std::string_view what);

}  // namespace reconcile::model
