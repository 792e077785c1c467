// Where the references inside a decoded Spec were written. Kept beside the
// Spec (index-parallel to its vectors) during loading only, so that
// cross-reference validation can point at the exact item that is wrong
// without burdening the value types everybody else uses.
#pragma once

#include <vector>

#include "model/spec.h"

namespace reconcile::model {

struct TemplateSource {
  std::string text;
  SourceLocation location;
  bool shell = true;  // a command (values get shell-quoted) or file content
  bool plain = false;  // an unquoted scalar: columns inside it map 1:1 to the text
  bool whole_file = false;  // a file of its own (a NixOS module): offsets map to its lines
};

// A `nixos: { module: ... }` whose file the loader reads after decoding.
struct ModuleSource {
  size_t step = 0;  // index into RoleSpec::steps
  SourceLocation location;  // of the `module` value
};

// A variable whose value the loader reads from a file or the environment.
struct SecretSource {
  int group = -1;   // index into Spec::groups; -1 for the top-level `vars`
  size_t var = 0;   // index into that vars vector
  SourceLocation location;  // of the `secret` value
};

struct GroupSources {
  SourceLocation name;
  SourceLocation image;
  std::vector<SourceLocation> roles;  // one per GroupSpec::roles item
  std::vector<SourceLocation> hosts;
  std::vector<SourceLocation> vars;
  std::vector<SourceLocation> placement_hosts;  // one per GroupSpec::placement_hosts item
  bool has_hosts = false;
};

struct RoleSources {
  SourceLocation name;
  std::vector<SourceLocation> after;
  std::vector<TemplateSource> templates;  // run, check, file contents, outputs, modules
  std::vector<ModuleSource> modules;      // read by the loader, then added to templates
};

struct SpecSources {
  SourceLocation cluster;
  std::vector<GroupSources> groups;
  std::vector<RoleSources> roles;
  std::vector<SourceLocation> images;
  std::vector<SecretSource> secrets;
};

}  // namespace reconcile::model
