#include "drivers/git/git_mirror.h"

#include <git2.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <vector>

#include "drivers/git/git_credentials.h"
#include "fmt/format.h"

namespace reconcile::drivers::git {
namespace {

std::string Home();

// libgit2's message for the last failed call, prefixed with what we did.
absl::Status GitError(const std::string& doing) {
  const git_error* error = git_error_last();
  const std::string message = error && error->message ? error->message : "unknown libgit2 error";
  // libgit2 checks ssh servers against ~/.ssh/known_hosts and says only this.
  const bool host_key = error && error->klass == GIT_ERROR_SSH &&
                        message.find("hostkey") != std::string::npos;
  return absl::UnavailableError(fmt::format(
      "{}: {}{}", doing, message,
      host_key ? fmt::format(" (the server's key is not the one for it in {}/.ssh/known_hosts: "
                             "check the key, then add it there, e.g. from ssh-keyscan)",
                             Home())
               : ""));
}

void InitLibgit2Once() {
  static std::once_flag once;
  std::call_once(once, [] { git_libgit2_init(); });  // never shut down: the process ends
}

std::string Home() {
  const char* home = std::getenv("HOME");
  return home ? home : "";
}

// What the credential callback has tried so far: libgit2 calls it again
// after each refusal, and must be told to give up once nothing new is left.
struct CredentialAttempts {
  bool agent_tried = false;
  size_t key_files_tried = 0;
  bool store_tried = false;
};

std::vector<std::string> PrivateKeyFiles() {
  std::vector<std::string> keys;
  for (const char* name : {"id_ed25519", "id_ecdsa", "id_rsa"}) {
    const std::string path = Home() + "/.ssh/" + name;
    if (std::filesystem::exists(path)) keys.push_back(path);
  }
  return keys;
}

int AcquireCredential(git_credential** out, const char* url, const char* username_from_url,
                      unsigned int allowed, void* payload) {
  auto* tried = static_cast<CredentialAttempts*>(payload);
  const char* user = username_from_url && *username_from_url ? username_from_url : "git";
  if (allowed & GIT_CREDENTIAL_SSH_KEY) {
    if (!tried->agent_tried) {
      tried->agent_tried = true;
      if (std::getenv("SSH_AUTH_SOCK") && git_credential_ssh_key_from_agent(out, user) == 0) return 0;
    }
    const std::vector<std::string> keys = PrivateKeyFiles();
    while (tried->key_files_tried < keys.size()) {
      const std::string& key = keys[tried->key_files_tried++];
      const std::string pub = key + ".pub";
      if (git_credential_ssh_key_new(out, user,
                                     std::filesystem::exists(pub) ? pub.c_str() : nullptr,
                                     key.c_str(), nullptr) == 0) {
        return 0;
      }
    }
  }
  if ((allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) && !tried->store_tried) {
    tried->store_tried = true;
    std::ifstream file(Home() + "/.git-credentials");
    std::stringstream text;
    text << file.rdbuf();
    if (std::optional<StoredCredential> stored = FindStoredCredential(text.str(), url)) {
      return git_credential_userpass_plaintext_new(out, stored->username.c_str(),
                                                   stored->password.c_str());
    }
  }
  if (allowed & GIT_CREDENTIAL_USERNAME) return git_credential_username_new(out, user);
  return GIT_PASSTHROUGH;  // nothing (more) to offer: libgit2 reports the refusal
}

absl::StatusOr<git_oid> ParseOid(const std::string& hex) {
  git_oid oid;
  if (hex.size() != GIT_OID_HEXSZ || git_oid_fromstr(&oid, hex.c_str()) != 0) {
    return absl::InvalidArgumentError(fmt::format("'{}' is not a commit id", hex));
  }
  return oid;
}

std::string OidHex(const git_oid& oid) {
  char hex[GIT_OID_HEXSZ + 1];
  git_oid_tostr(hex, sizeof hex, &oid);
  return hex;
}

// Owners for libgit2 objects, so every early return frees them.
template <typename T, void (*Free)(T*)>
struct Owned {
  T* ptr = nullptr;
  ~Owned() {
    if (ptr) Free(ptr);
  }
};

}  // namespace

absl::StatusOr<std::unique_ptr<GitMirror>> GitMirror::Open(const std::string& url,
                                                          const std::string& dir) {
  InitLibgit2Once();
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(dir).parent_path(), ec);
  git_repository* repo = nullptr;
  if (git_repository_open_bare(&repo, dir.c_str()) != 0 &&
      git_repository_init(&repo, dir.c_str(), /*is_bare=*/1) != 0) {
    return GitError(fmt::format("cannot create the mirror {}", dir));
  }
  return std::unique_ptr<GitMirror>(new GitMirror(url, repo));
}

GitMirror::GitMirror(std::string url, git_repository* repo)
    : url_(std::move(url)), shown_url_(UrlWithoutPassword(url_)), repo_(repo) {}

GitMirror::~GitMirror() { git_repository_free(repo_); }

absl::Status GitMirror::WithoutPassword(const absl::Status& status) const {
  return absl::Status(status.code(), TextWithoutUrlPassword(std::string(status.message()), url_));
}

absl::StatusOr<std::string> GitMirror::Fetch(const std::string& branch) {
  const std::string head = "refs/heads/" + branch;
  Owned<git_remote, git_remote_free> remote;
  // Anonymous: the URL is the command line's, never one left in the mirror's
  // config by an earlier run.
  if (git_remote_create_anonymous(&remote.ptr, repo_, url_.c_str()) != 0) {
    return WithoutPassword(GitError(fmt::format("cannot use {}", shown_url_)));
  }
  // Forced ('+'): after a force-push the branch's new tip replaces the old.
  // Kept under refs/reconcile/ so the commits stay in the mirror.
  const std::string refspec_text = fmt::format("+{}:refs/reconcile/{}", head, branch);
  char* refspec = const_cast<char*>(refspec_text.c_str());
  git_strarray refspecs = {&refspec, 1};
  CredentialAttempts tried;
  git_fetch_options options = GIT_FETCH_OPTIONS_INIT;
  options.callbacks.credentials = AcquireCredential;
  options.callbacks.payload = &tried;
  options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
  if (git_remote_fetch(remote.ptr, &refspecs, &options, nullptr) != 0) {
    return WithoutPassword(GitError(fmt::format("fetching {} from {}", branch, shown_url_)));
  }
  // The tip is what the server advertised in this fetch, not a ref kept from
  // an earlier one: a branch deleted upstream is reported, not replayed.
  const git_remote_head** heads = nullptr;
  size_t count = 0;
  if (git_remote_ls(&heads, &count, remote.ptr) != 0) {
    return WithoutPassword(GitError(fmt::format("listing the branches of {}", shown_url_)));
  }
  for (size_t i = 0; i < count; ++i) {
    if (head == heads[i]->name) return OidHex(heads[i]->oid);
  }
  return absl::NotFoundError(fmt::format("{} has no branch '{}'", shown_url_, branch));
}

absl::Status GitMirror::Export(const std::string& commit, const std::string& dir) {
  absl::StatusOr<git_oid> oid = ParseOid(commit);
  if (!oid.ok()) return oid.status();
  Owned<git_commit, git_commit_free> found;
  if (git_commit_lookup(&found.ptr, repo_, &*oid) != 0) {
    return GitError(fmt::format("commit {}", commit));
  }
  Owned<git_tree, git_tree_free> tree;
  if (git_commit_tree(&tree.ptr, found.ptr) != 0) return GitError(fmt::format("tree of {}", commit));
  git_checkout_options options = GIT_CHECKOUT_OPTIONS_INIT;
  // A bare mirror has no work tree and no index: write every file of the
  // tree into `dir`, which is new, and record nothing.
  options.checkout_strategy = GIT_CHECKOUT_FORCE | GIT_CHECKOUT_DONT_UPDATE_INDEX;
  options.target_directory = dir.c_str();
  if (git_checkout_tree(repo_, reinterpret_cast<const git_object*>(tree.ptr), &options) != 0) {
    return GitError(fmt::format("writing out commit {} into {}", commit, dir));
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> GitMirror::Descends(const std::string& descendant,
                                         const std::string& ancestor) {
  absl::StatusOr<git_oid> child = ParseOid(descendant);
  if (!child.ok()) return child.status();
  absl::StatusOr<git_oid> parent = ParseOid(ancestor);
  if (!parent.ok()) return parent.status();
  if (git_oid_equal(&*child, &*parent)) return true;
  const int result = git_graph_descendant_of(repo_, &*child, &*parent);
  if (result < 0) return GitError(fmt::format("history of {}", descendant));
  return result == 1;
}

absl::StatusOr<std::string> GitMirror::Subject(const std::string& commit) {
  absl::StatusOr<git_oid> oid = ParseOid(commit);
  if (!oid.ok()) return oid.status();
  Owned<git_commit, git_commit_free> found;
  if (git_commit_lookup(&found.ptr, repo_, &*oid) != 0) {
    return GitError(fmt::format("commit {}", commit));
  }
  const char* summary = git_commit_summary(found.ptr);
  return summary ? std::string(summary) : std::string();
}

}  // namespace reconcile::drivers::git
