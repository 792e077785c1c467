#include "reconciler/node_state_paths.h"

namespace reconcile {

std::string RolesDir(const std::string& state_dir) { return state_dir + "/roles"; }

std::string RoleHashPath(const std::string& state_dir, const std::string& role) {
  return RolesDir(state_dir) + "/" + role + ".hash";
}

std::string FileDigestsPath(const std::string& state_dir, const std::string& role) {
  return RolesDir(state_dir) + "/" + role + ".files";
}

std::string RecordedOutputsPath(const std::string& state_dir, const std::string& role) {
  return RolesDir(state_dir) + "/" + role + ".outputs";
}

}  // namespace reconcile
