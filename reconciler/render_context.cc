#include "reconciler/render_context.h"

#include "fmt/format.h"

namespace reconcile {

absl::StatusOr<std::string> RenderText(std::string_view text, const model::RenderContext& context,
                                       model::Quoting quoting, std::string_view what) {
  model::Template tmpl;
  if (std::optional<model::TemplateError> error = model::ParseTemplate(text, tmpl)) {
    return absl::InvalidArgumentError(
        fmt::format("{}: offset {}: {}", what, error->offset, error->message));
  }
  absl::StatusOr<std::string> rendered = model::Render(tmpl, context, quoting);
  if (!rendered.ok()) {
    return absl::Status(rendered.status().code(),
                        fmt::format("{}: {}", what, std::string(rendered.status().message())));
  }
  return rendered;
}

std::string CheckId(std::string_view role, size_t step) { return fmt::format("{}/{}", role, step); }
std::string FilesCheckId(std::string_view role) { return fmt::format("{}/files", role); }

}  // namespace reconcile
