#include "drivers/git/git_credentials.h"

#include <algorithm>
#include <cctype>

namespace reconcile::drivers::git {
namespace {

struct UrlParts {
  std::string scheme;
  std::string user;
  std::string password;
  std::string host;  // with ":port" when given
  std::string path;  // without the leading '/'
};

std::optional<UrlParts> SplitUrl(std::string_view url) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) return std::nullopt;
  UrlParts parts;
  parts.scheme = std::string(url.substr(0, scheme_end));
  std::string_view rest = url.substr(scheme_end + 3);
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) parts.path = std::string(rest.substr(slash + 1));
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    const size_t colon = userinfo.find(':');
    parts.user = std::string(userinfo.substr(0, colon));
    if (colon != std::string_view::npos) parts.password = std::string(userinfo.substr(colon + 1));
  }
  if (authority.empty()) return std::nullopt;
  for (char c : authority) parts.host += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return parts;
}

std::string PercentDecode(std::string_view text) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string_view TrimSlashes(std::string_view path) {
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  return path;
}

}  // namespace

std::string UrlWithoutPassword(std::string_view url) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  const size_t authority_start = scheme_end + 3;
  const size_t authority_end = std::min(url.find('/', authority_start), url.size());
  const size_t at = url.substr(0, authority_end).rfind('@');
  if (at == std::string_view::npos || at < authority_start) return std::string(url);
  const size_t colon = url.substr(0, at).find(':', authority_start);
  if (colon == std::string_view::npos) return std::string(url);
  return std::string(url.substr(0, colon)) + std::string(url.substr(at));
}

std::string TextWithoutUrlPassword(std::string_view text, std::string_view url) {
  std::string result(text);
  const std::optional<UrlParts> parts = SplitUrl(url);
  if (!parts || parts->password.empty()) return result;
  const std::string with = parts->user + ":" + parts->password + "@";
  const std::string without = parts->user + "@";
  for (size_t pos = result.find(with); pos != std::string::npos;
       pos = result.find(with, pos + without.size())) {
    result.replace(pos, with.size(), without);
  }
  return result;
}

std::optional<StoredCredential> FindStoredCredential(std::string_view store_text,
                                                     std::string_view url) {
  const std::optional<UrlParts> wanted = SplitUrl(url);
  if (!wanted) return std::nullopt;
  while (!store_text.empty()) {
    const size_t end = std::min(store_text.find('\n'), store_text.size());
    std::string_view line = store_text.substr(0, end);
    store_text.remove_prefix(std::min(end + 1, store_text.size()));
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    const std::optional<UrlParts> stored = SplitUrl(line);
    if (!stored || stored->user.empty()) continue;
    if (stored->scheme != wanted->scheme || stored->host != wanted->host) continue;
    const std::string_view stored_path = TrimSlashes(stored->path);
    if (!stored_path.empty()) {
      const std::string_view wanted_path = wanted->path;
      if (wanted_path.substr(0, stored_path.size()) != stored_path) continue;
      if (wanted_path.size() > stored_path.size() && wanted_path[stored_path.size()] != '/') continue;
    }
    if (!wanted->user.empty() && PercentDecode(wanted->user) != PercentDecode(stored->user)) continue;
    return StoredCredential{PercentDecode(stored->user), PercentDecode(stored->password)};
  }
  return std::nullopt;
}

}  // namespace reconcile::drivers::git
