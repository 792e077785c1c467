#include "reconciler/redact.h"

#include <algorithm>

#include "base/shell_quote.h"

namespace reconcile {

std::string Redact(std::string_view text, std::vector<std::string> secrets) {
  // A secret placed into a command is shell-quoted there ('it'\''s'), so its
  // quoted form is a secret too, and it is replaced first (it is longer).
  const size_t plain = secrets.size();
  for (size_t i = 0; i < plain; ++i) {
    if (secrets[i].empty()) continue;
    std::string quoted = ShellQuote(secrets[i]);
    if (quoted != secrets[i]) secrets.push_back(std::move(quoted));
  }
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
