// What an operator is shown of a command that failed on a node.
#pragma once

#include <cstddef>
#include <string>

namespace reconcile {

// The end of a command's error output (its last `max_bytes`, "..." in front
// when cut), without trailing newlines: enough to say why, short enough for a
// one-line error. "(no error output)" when there is none.
std::string StderrTail(const std::string& text, size_t max_bytes = 400);

}  // namespace reconcile
