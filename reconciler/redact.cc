#include "reconciler/redact.h"

#include <algorithm>

namespace reconcile {

std::string Redact(std::string_view text, std::vector<std::string> secrets) {
  std::sort(secrets.begin(), secrets.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  std::string out(text);
  for (const std::string& secret : secrets) {
    if (secret.empty()) continue;
    for (size_t pos = out.find(secret); pos != std::string::npos;
         pos = out.find(secret, pos + 8)) {
      out.replace(pos, secret.size(), "<secret>");
    }
  }
  return out;
}

}  // namespace reconcile
