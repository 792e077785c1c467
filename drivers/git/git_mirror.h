// A local, bare mirror of one branch of a git repository (libgit2): fetched
// on demand, its commits written out as plain trees. This is how
// `reconcile watch --git` reads a spec: every file of one commit, never a mix.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"

struct git_repository;

namespace reconcile::drivers::git {

class GitMirror {
 public:
  // Opens the bare mirror in `dir`, creating it (and its parent) when absent.
  // `url` is a local path or any URL libgit2 reaches (file, ssh, https).
  static absl::StatusOr<std::unique_ptr<GitMirror>> Open(const std::string& url,
                                                         const std::string& dir);
  ~GitMirror();
  GitMirror(const GitMirror&) = delete;
  GitMirror& operator=(const GitMirror&) = delete;

  // Fetches `branch` and returns its tip (40 hex digits) as the repository
  // has it now: a force-push moves the tip anywhere, a deleted branch is
  // kNotFound. SSH host keys are checked against ~/.ssh/known_hosts by
  // libgit2; credentials come from the SSH agent, ~/.ssh/id_* and
  // ~/.git-credentials (git_credentials.h).
  absl::StatusOr<std::string> Fetch(const std::string& branch);

  // Writes the tree of `commit` into `dir` (which must not exist yet).
  absl::Status Export(const std::string& commit, const std::string& dir);

  // True when `descendant` has `ancestor` in its history (a fast-forward).
  absl::StatusOr<bool> Descends(const std::string& descendant, const std::string& ancestor);

  // The first line of the commit's message.
  absl::StatusOr<std::string> Subject(const std::string& commit);

  // The URL as shown: without a password (git_credentials.h).
  const std::string& shown_url() const { return shown_url_; }

 private:
  GitMirror(std::string url, git_repository* repo);
  // `status` with the URL's password taken out of its message: libgit2's
  // own text may quote the URL it was given.
  absl::Status WithoutPassword(const absl::Status& status) const;

  std::string url_;
  std::string shown_url_;
  git_repository* repo_;
};

}  // namespace reconcile::drivers::git
