#include "reconciler/command_output.h"

namespace reconcile {

std::string StderrTail(const std::string& text, size_t max_bytes) {
  std::string tail = text.size() > max_bytes ? "..." + text.substr(text.size() - max_bytes) : text;
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == '\r')) tail.pop_back();
  // Said, so "exited 1: " never ends in nothing.
  return tail.empty() ? "(no error output)" : tail;
}

}  // namespace reconcile
