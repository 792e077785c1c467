#include "model/spec_files.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "fmt/format.h"

namespace reconcile::model {

namespace fs = std::filesystem;

constexpr uintmax_t kMaxSpecFile = uintmax_t{1} << 20;

SpecFileReader FilesBesideSpec(const std::string& spec_path) {
  const fs::path dir = fs::path(spec_path).parent_path();
  return [dir](const std::string& path) -> absl::StatusOr<std::string> {
    const fs::path full = fs::path(path).is_absolute() ? fs::path(path) : dir / path;
    std::error_code error;
    const fs::file_status status = fs::status(full, error);
    if (error) {
      return absl::NotFoundError(
          fmt::format("cannot read '{}': {}", full.string(), error.message()));
    }
    if (!fs::is_regular_file(status)) {
      return absl::InvalidArgumentError(fmt::format("'{}' is not a regular file", full.string()));
    }
    const uintmax_t size = fs::file_size(full, error);
    if (!error && size > kMaxSpecFile) {
      return absl::InvalidArgumentError(
          fmt::format("'{}' is {} KiB; the limit is 1024 KiB", full.string(), size / 1024));
    }
    std::ifstream in(full, std::ios::binary);
    std::string text(static_cast<size_t>(size), '\0');
    if (!in || !in.read(text.data(), static_cast<std::streamsize>(text.size()))) {
      return absl::NotFoundError(
          fmt::format("cannot read '{}': {}", full.string(), std::strerror(errno)));
    }
    return text;
  };
}

void ReadNixosModules(Spec& spec, SpecSources& sources, const SpecFileReader& read,
                      Diagnostics& diagnostics) {
  for (size_t r = 0; r < spec.roles.size() && r < sources.roles.size(); ++r) {
    RoleSources& where = sources.roles[r];
    for (const ModuleSource& module : where.modules) {
      StepSpec& step = spec.roles[r].steps[module.step];
      absl::StatusOr<std::string> text = read(step.nixos->module_path);
      if (!text.ok()) {
        diagnostics.Add(module.location,
                        fmt::format("nixos module: {}", std::string(text.status().message())));
        continue;
      }
      step.nixos->module = *std::move(text);
      const fs::path written(step.nixos->module_path);
      const fs::path shown =
          written.is_absolute() ? written : fs::path(spec.source_path).parent_path() / written;
      SourceLocation file{shown.string(), 1, 1};
      where.templates.push_back(
          {step.nixos->module, file, /*shell=*/false, /*plain=*/false, /*whole_file=*/true});
    }
  }
}

std::vector<std::string> FilesOfSpec(const Spec& spec) {
  const fs::path dir = fs::path(spec.source_path).parent_path();
  std::vector<std::string> files;
  auto add = [&](const std::string& path) {
    if (!path.empty()) files.push_back(fs::path(path).is_absolute() ? path : (dir / path).string());
  };
  for (const RoleSpec& role : spec.roles) {
    for (const StepSpec& step : role.steps) {
      if (step.nixos) add(step.nixos->module_path);
    }
  }
  for (const Variable& var : spec.vars) add(var.secret_file);
  for (const GroupSpec& group : spec.groups) {
    for (const Variable& var : group.vars) add(var.secret_file);
  }
  return files;
}

void ReadSecretSources(Spec& spec, const SpecSources& sources, const SpecFileReader& read,
                       Diagnostics& diagnostics) {
  for (const SecretSource& source : sources.secrets) {
    std::vector<Variable>* vars = &spec.vars;
    if (source.group >= 0) {
      if (static_cast<size_t>(source.group) >= spec.groups.size()) continue;
      vars = &spec.groups[static_cast<size_t>(source.group)].vars;
    }
    if (source.var >= vars->size()) continue;
    Variable& var = (*vars)[source.var];
    if (!var.secret_file.empty()) {
      absl::StatusOr<std::string> text = read(var.secret_file);
      if (!text.ok()) {
        diagnostics.Add(source.location, fmt::format("secret of variable '{}': {}", var.name,
                                                     std::string(text.status().message())));
        continue;
      }
      var.value = *std::move(text);
      if (!var.value.empty() && var.value.back() == '\n') var.value.pop_back();
    } else if (!var.secret_env.empty()) {
      const char* value = std::getenv(var.secret_env.c_str());
      if (value == nullptr || *value == '\0') {
        diagnostics.Add(source.location,
                        fmt::format("secret of variable '{}': environment variable {} is not set",
                                    var.name, var.secret_env));
        continue;
      }
      var.value = value;
    }
    if (var.value.empty()) {
      diagnostics.Add(source.location, fmt::format("secret of variable '{}' is empty", var.name));
    }
  }
}

}  // namespace reconcile::model
