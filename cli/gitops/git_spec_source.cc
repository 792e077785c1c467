#include "cli/gitops/git_spec_source.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_replace.h"
#include "fmt/format.h"
#include "model/sha256.h"
#include "model/spec_revision.h"

namespace reconcile::cli {
namespace fs = std::filesystem;

// Neither a URL (scheme://) nor git's scp-like [user@]host:path, whose
// part before the first ':' has no '/'.
bool IsLocalPath(const std::string& repo) {
  if (repo.find("://") != std::string::npos) return false;
  const size_t colon = repo.find(':');
  if (colon == std::string::npos) return true;
  return repo.find('/') < colon;
}

std::string DefaultStateDir() {
  auto env = [](const char* name) -> std::string {
    const char* value = std::getenv(name);
    return value ? value : "";
  };
  if (std::string dir = env("RECONCILE_STATE_DIR"); !dir.empty()) return dir;
  if (geteuid() == 0) return "/var/lib/reconcile";
  if (std::string dir = env("XDG_STATE_HOME"); !dir.empty()) return dir + "/reconcile";
  return env("HOME") + "/.local/state/reconcile";
}

absl::StatusOr<std::unique_ptr<GitSpecSource>> GitSpecSource::Open(const GitSourceOptions& given) {
  GitSourceOptions options = given;
  if (options.state_dir.empty()) options.state_dir = DefaultStateDir();
  const fs::path spec_path(options.path);
  if (options.path.empty() || spec_path.is_absolute() ||
      std::find(spec_path.begin(), spec_path.end(), "..") != spec_path.end()) {
    return absl::InvalidArgumentError(fmt::format(
        "--path '{}' must name the spec inside the repository (relative, without '..')",
        options.path));
  }
  // A local repository is named by its absolute path: the same mirror
  // whatever directory the watch was started from.
  std::error_code ec;
  if (IsLocalPath(options.repo)) {
    // Said here: libgit2 would take a missing path for a URL and answer
    // "unsupported URL protocol".
    if (!fs::exists(options.repo, ec)) {
      return absl::NotFoundError(fmt::format("--git: no repository at {}", options.repo));
    }
    options.repo = fs::absolute(options.repo).lexically_normal().string();
    while (options.repo.size() > 1 && options.repo.back() == '/') options.repo.pop_back();
  }
  const std::string root =
      fmt::format("{}/git/{}", options.state_dir, model::Sha256Hex(options.repo).substr(0, 16));
  fs::create_directories(root + "/trees", ec);
  if (ec) {
    return absl::FailedPreconditionError(
        fmt::format("cannot create {}: {}", root, ec.message()));
  }
  // Only this user reads what the repository holds.
  chmod(options.state_dir.c_str(), 0700);
  // Two processes starting on a new state directory at once must not both
  // create the mirror.
  absl::StatusOr<StateLock> lock = StateLock::Take(root + "/lock");
  if (!lock.ok()) return lock.status();
  absl::StatusOr<std::unique_ptr<drivers::git::GitMirror>> mirror =
      drivers::git::GitMirror::Open(options.repo, root + "/mirror");
  if (!mirror.ok()) return mirror.status();
  return std::unique_ptr<GitSpecSource>(new GitSpecSource(options, root, *std::move(mirror)));
}

absl::StatusOr<std::string> GitSpecSource::SpecOf(const std::string& commit) {
  const std::string dir = TreeDir(commit);
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    // Written aside and renamed in: a crash half-way leaves no tree that
    // looks complete.
    const std::string partial = root_ + "/trees/." + commit + ".partial";
    fs::remove_all(partial, ec);
    if (absl::Status s = mirror_->Export(commit, partial); !s.ok()) {
      fs::remove_all(partial, ec);
      return s;
    }
    fs::rename(partial, dir, ec);
    if (ec) {
      fs::remove_all(partial, ec);
      return absl::InternalError(fmt::format("cannot move {} into place: {}", dir, ec.message()));
    }
  }
  const std::string spec = SpecPath(commit);
  if (!fs::is_regular_file(spec, ec)) {
    return absl::NotFoundError(fmt::format("commit {} has no file {}", model::ShortCommit(commit),
                                           options_.path));
  }
  return spec;
}

std::string GitSpecSource::Locate(const std::string& text, const std::string& commit) const {
  return absl::StrReplaceAll(text, {{TreeDir(commit) + "/", model::ShortCommit(commit) + ":"}});
}

absl::StatusOr<std::string> GitSpecSource::Fetch() {
  absl::StatusOr<StateLock> lock = Lock();
  if (!lock.ok()) return lock.status();
  return mirror_->Fetch(options_.branch);
}

void GitSpecSource::KeepOnly(const std::set<std::string>& commits) {
  absl::StatusOr<StateLock> lock = Lock();
  if (!lock.ok()) return;  // nothing pruned this time: the next take prunes
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(root_ + "/trees", ec)) {
    if (commits.count(entry.path().filename().string()) == 0) fs::remove_all(entry.path(), ec);
  }
}

std::string GitSpecSource::LastGood() const {
  std::ifstream file(root_ + "/last-good");
  std::string commit;
  file >> commit;
  return commit.size() == 40 ? commit : "";
}

void GitSpecSource::SetLastGood(const std::string& commit) {
  const std::string path = root_ + "/last-good";
  {
    std::ofstream file(path + ".new", std::ios::trunc);
    file << commit << "\n";
  }
  std::error_code ec;
  fs::rename(path + ".new", path, ec);
}

std::string GitSpecSource::Describe(const std::string& commit) {
  absl::StatusOr<std::string> subject = mirror_->Subject(commit);
  if (!subject.ok() || subject->empty()) return model::ShortCommit(commit);
  return fmt::format("{} ({})", model::ShortCommit(commit), *subject);
}

}  // namespace reconcile::cli
