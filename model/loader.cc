#include "model/loader.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "fmt/format.h"
#include "model/decode.h"
#include "model/validate.h"
#include "model/yaml_tree.h"

namespace reconcile::model {

absl::StatusOr<Spec> ParseSpec(std::string_view text, std::string_view file_name,
                               Diagnostics& diagnostics) {
  return ParseSpec(text, file_name, diagnostics, FilesBesideSpec(std::string(file_name)));
}

absl::StatusOr<Spec> ParseSpec(std::string_view text, std::string_view file_name,
                               Diagnostics& diagnostics, const SpecFileReader& read_file) {
  const size_t before = diagnostics.size();
  std::unique_ptr<YamlNode> root = ParseYaml(text, file_name, diagnostics);
  Spec spec;
  spec.source_path = std::string(file_name);
  if (root != nullptr) {
    SpecSources sources;
    YamlReader reader(std::string(file_name), diagnostics);
    DecodeSpec(*root, reader, spec, sources);
    ReadNixosModules(spec, sources, read_file, diagnostics);
    ReadSecretSources(spec, sources, read_file, diagnostics);
    ValidateSpec(spec, sources, diagnostics);
  }
  if (diagnostics.size() == before) return spec;
  Diagnostics mine;
  for (size_t i = before; i < diagnostics.size(); ++i) {
    mine.Add(diagnostics.items()[i].location, diagnostics.items()[i].message);
  }
  return mine.ToStatus();
}

absl::StatusOr<Spec> LoadSpec(const std::string& path, Diagnostics& diagnostics) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diagnostics.Add({path, 1, 1}, fmt::format("cannot read file: {}", std::strerror(errno)));
    return diagnostics.ToStatus();
  }
  // Read one byte past the limit so oversized files are reported, not loaded whole.
  constexpr size_t kReadLimit = (size_t{1} << 20) + 1;
  std::string text(kReadLimit, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) {
    diagnostics.Add({path, 1, 1}, fmt::format("cannot read file: {}", std::strerror(errno)));
    return diagnostics.ToStatus();
  }
  text.resize(static_cast<size_t>(in.gcount()));
  return ParseSpec(text, path, diagnostics);
}

}  // namespace reconcile::model
