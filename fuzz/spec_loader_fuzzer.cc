// libFuzzer target for the spec loader: any byte string must end in either a
// Spec that expands into nodes, or at least one located diagnostic. Never a
// crash, a hang, a sanitizer report or an exception escaping.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "model/diagnostics.h"
#include "model/expand.h"
#include "model/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace reconcile::model;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Diagnostics diagnostics;
  absl::StatusOr<Spec> spec = ParseSpec(text, "fuzz.yaml", diagnostics);
  if (spec.ok()) {
    if (!diagnostics.empty()) std::abort();  // accepted despite problems
    absl::StatusOr<std::vector<Node>> nodes = ExpandSpec(*spec);
    if (!nodes.ok()) std::abort();  // validation let through a spec that cannot expand
    return 0;
  }
  if (diagnostics.empty()) std::abort();  // rejected without saying why
  for (const Diagnostic& d : diagnostics.items()) {
    if (d.location.file != "fuzz.yaml" || d.location.line < 1 || d.location.column < 1 ||
        d.message.empty()) {
      std::abort();  // every diagnostic names a place
    }
  }
  return 0;
}
