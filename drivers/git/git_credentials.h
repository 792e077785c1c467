// Credentials for fetching over https from where git keeps them: the "store"
// helper's file (~/.git-credentials, lines like https://user:token@host/path).
// Pure text handling; the fetch callback (git_mirror.cc) reads the file.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace reconcile::drivers::git {

struct StoredCredential {
  std::string username;
  std::string password;
};

// The first line of `store_text` whose scheme and host (and port) match
// `url`'s and whose path, if it has one, is a prefix of `url`'s path. User
// and password are percent-decoded, as git writes them encoded.
std::optional<StoredCredential> FindStoredCredential(std::string_view store_text,
                                                     std::string_view url);

// `url` without the password of its user info ("https://ci:token@host/x" ->
// "https://ci@host/x"): how a URL is shown in messages, status and metrics.
std::string UrlWithoutPassword(std::string_view url);

// `text` (libgit2's message, say) with every "user:password@" of `url`'s
// user info shortened to "user@": the password never reaches a log.
std::string TextWithoutUrlPassword(std::string_view text, std::string_view url);

}  // namespace reconcile::drivers::git
