// Secrets never reach logs, plans or errors: text that may carry them passes
// through Redact first.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace reconcile {

// Replaces every occurrence of each non-empty secret in `text` by "<secret>",
// longest secrets first so one that contains another is hidden whole.
std::string Redact(std::string_view text, std::vector<std::string> secrets);

}  // namespace reconcile
