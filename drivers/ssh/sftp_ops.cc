// SshSession's file transfers: atomic upload (SFTP + one rename command) and
// bounded read over SFTP.
#include <fcntl.h>
#include <fmt/format.h>

#include <iterator>
#include <random>

#include "base/shell_quote.h"
#include "base/status_macros.h"
#include "base/text.h"
#include "drivers/ssh/become.h"
#include "drivers/ssh/ssh_session.h"

namespace reconcile::drivers::ssh {
namespace {

constexpr size_t kChunk = 32 * 1024;  // below sftp-server's packet limit

struct FileClose {
  void operator()(sftp_file f) const { sftp_close(f); }
};
using FilePtr = std::unique_ptr<std::remove_pointer_t<sftp_file>, FileClose>;

std::string RandomTag() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return fmt::format("{:x}", rng());
}

std::string TempNameFor(std::string_view path) {
  size_t slash = path.rfind('/');
  return fmt::format("{}.{}.rcn-{}.tmp", path.substr(0, slash + 1), path.substr(slash + 1),
                     RandomTag());
}

}  // namespace

absl::Status SshSession::WriteNewFile(const std::string& file_path, std::string_view for_path,
                                      std::string_view content, absl::Time deadline) {
  auto fail = [&](absl::Status status) {
    if (health_ == SessionHealth::kOk) sftp_unlink(sftp_, file_path.c_str());
    return status;
  };
  SetTimeout(deadline);
  FilePtr file(sftp_open(sftp_, file_path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600));
  if (!file) return SftpError("create", file_path);
  for (size_t off = 0; off < content.size(); off += kChunk) {
    if (absl::Now() >= deadline) {
      health_ = SessionHealth::kBroken;
      return DeadlineError(peer_, fmt::format("upload of {}", for_path), absl::ZeroDuration());
    }
    size_t n = std::min(kChunk, content.size() - off);
    if (sftp_write(file.get(), content.data() + off, n) != static_cast<ssize_t>(n)) {
      return fail(SftpError("write", file_path));
    }
  }
  // Data on disk before the rename makes it visible (ext4 would otherwise
  // risk an empty file after a crash).
  if (sftp_extension_supported(sftp_, "fsync@openssh.com", "1") && sftp_fsync(file.get()) != 0) {
    return fail(SftpError("fsync", file_path));
  }
  return absl::OkStatus();
}

absl::Status SshSession::EnsureSftp(absl::Time deadline) {
  if (sftp_ != nullptr) return absl::OkStatus();
  if (!SetTimeout(deadline)) return DeadlineError(peer_, "sftp start", absl::ZeroDuration());
  sftp_session s = sftp_new(session_);
  if (s == nullptr) {
    health_ = SessionHealth::kBrokenBeforeRequest;
    return TransportError(peer_, "open sftp channel", ssh_get_error(session_));
  }
  if (sftp_init(s) != SSH_OK) {
    sftp_free(s);
    health_ = SessionHealth::kBroken;
    return TransportError(peer_, "start sftp subsystem", ssh_get_error(session_));
  }
  sftp_ = s;
  return absl::OkStatus();
}

// Maps the last SFTP failure: a broken connection poisons the session, a
// file-level refusal does not.
absl::Status SshSession::SftpError(std::string_view operation, std::string_view path) {
  std::string what = fmt::format("{} '{}' on {}", operation, path, Describe(peer_));
  if (ssh_is_connected(session_) != 1 || ssh_get_error_code(session_) == SSH_FATAL) {
    health_ = SessionHealth::kBroken;
    return absl::UnavailableError(fmt::format("{}: {}", what, ssh_get_error(session_)));
  }
  switch (sftp_get_error(sftp_)) {
    case SSH_FX_NO_SUCH_FILE:
    case SSH_FX_NO_SUCH_PATH:
      return absl::NotFoundError(fmt::format("{}: no such file or directory", what));
    case SSH_FX_PERMISSION_DENIED:
      return absl::PermissionDeniedError(fmt::format("{}: permission denied", what));
    case SSH_FX_FILE_ALREADY_EXISTS:
      return absl::AlreadyExistsError(fmt::format("{}: already exists", what));
    default:
      // Unknown state mid-transfer (e.g. a timeout): do not reuse the channel.
      health_ = SessionHealth::kBroken;
      return absl::UnavailableError(fmt::format("{}: {}", what, ssh_get_error(session_)));
  }
}

absl::Status SshSession::Upload(std::string_view path, std::string_view content, uint32_t mode,
                                std::string_view owner, absl::Time deadline) {
  if (path.empty() || path.front() != '/' || path.back() == '/') {
    return absl::InvalidArgumentError(
        fmt::format("upload to {}: '{}' is not an absolute file path", Describe(peer_), path));
  }
  if (become_) return UploadAsRoot(path, content, mode, owner, deadline);
  RETURN_IF_ERROR(EnsureSftp(deadline));
  const std::string tmp = TempNameFor(path);
  auto fail = [&](absl::Status status) {
    if (health_ == SessionHealth::kOk) sftp_unlink(sftp_, tmp.c_str());  // leave nothing behind
    return status;
  };
  RETURN_IF_ERROR(WriteNewFile(tmp, path, content, deadline));
  if (sftp_chmod(sftp_, tmp.c_str(), mode) != 0) return fail(SftpError("chmod", tmp));
  if (owner.empty()) {
    // A new file needs no command on the node: SFTP's rename (link + unlink
    // in OpenSSH's sftp-server) makes it appear whole, and refuses to
    // replace an existing file, which the `mv` below then does. A command
    // is a channel and a shell the node forks: three per configure of a
    // fresh node saved.
    const std::string final_path(path);
    if (sftp_rename(sftp_, tmp.c_str(), final_path.c_str()) == 0) return absl::OkStatus();
    if (ssh_is_connected(session_) != 1 || ssh_get_error_code(session_) == SSH_FATAL) {
      return fail(SftpError("rename", tmp));
    }
  }
  // The replace itself is rename(2) on the node. libssh 0.10's sftp_rename
  // sends plain SSH_FXP_RENAME, which OpenSSH's sftp-server implements with
  // link()+unlink() and so refuses to overwrite, and libssh 0.10 has no call
  // for the posix-rename@openssh.com extension; `mv -f` within one directory
  // is that rename(2). chown rides along (SFTP only takes numeric ids).
  std::string finish;
  if (!owner.empty()) {
    fmt::format_to(std::back_inserter(finish), "chown -- {} {} && ", ShellQuote(owner),
                   ShellQuote(tmp));
  }
  fmt::format_to(std::back_inserter(finish), "mv -f -- {} {}", ShellQuote(tmp), ShellQuote(path));
  absl::StatusOr<CommandResult> done = Exec(finish, deadline, 4096);
  if (!done.ok()) return fail(done.status());
  if (done->exit_status != 0) {
    return fail(absl::FailedPreconditionError(fmt::format(
        "{} of '{}' on {}{}: {}", owner.empty() ? "rename" : "chown/rename", path, Describe(peer_),
        owner.empty() ? "" : fmt::format(" to owner '{}'", owner), done->stderr_data)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> SshSession::ReadFile(std::string_view path, size_t max_bytes,
                                                 absl::Time deadline) {
  if (become_) return ReadFileAsRoot(path, max_bytes, deadline);
  RETURN_IF_ERROR(EnsureSftp(deadline));
  SetTimeout(deadline);
  const std::string name(path);
  FilePtr file(sftp_open(sftp_, name.c_str(), O_RDONLY, 0));
  if (!file) return SftpError("open", path);
  std::string out;
  char buf[kChunk];
  while (true) {
    if (absl::Now() >= deadline) {
      health_ = SessionHealth::kBroken;
      return DeadlineError(peer_, fmt::format("read of {}", path), absl::ZeroDuration());
    }
    ssize_t n = sftp_read(file.get(), buf, sizeof buf);
    if (n < 0) return SftpError("read", path);
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > max_bytes) {
      return absl::FailedPreconditionError(
          fmt::format("file '{}' on {} is larger than {} bytes", path, Describe(peer_), max_bytes));
    }
  }
  return out;
}

absl::Status SshSession::UploadAsRoot(std::string_view path, std::string_view content,
                                      uint32_t mode, std::string_view owner,
                                      absl::Time deadline) {
  RETURN_IF_ERROR(EnsureSftp(deadline));
  // Staged in the login user's home (a relative SFTP path; private to that
  // user, 0600), then put in place by root.
  const std::string staged = fmt::format(".rcn-upload-{}.tmp", RandomTag());
  RETURN_IF_ERROR(WriteNewFile(staged, path, content, deadline));
  absl::StatusOr<CommandResult> done = ExecAsLogin(
      RootFinishUpload(staged, TempNameFor(path), path, mode, owner), deadline, 4096);
  if (!done.ok()) {
    if (health_ == SessionHealth::kOk) sftp_unlink(sftp_, staged.c_str());
    return done.status();
  }
  if (done->exit_status != 0) {
    return absl::FailedPreconditionError(fmt::format(
        "write of '{}' as root on {}{}: {}", path, Describe(peer_),
        owner.empty() ? "" : fmt::format(" (owner '{}')", owner), Strip(done->stderr_data)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> SshSession::ReadFileAsRoot(std::string_view path, size_t max_bytes,
                                                       absl::Time deadline) {
  ASSIGN_OR_RETURN(CommandResult r,
                   ExecAsLogin(RootReadFile(path, max_bytes), deadline, max_bytes + 1));
  const std::string what = fmt::format("file '{}' on {}", path, Describe(peer_));
  if (r.exit_status == kReadMissing) {
    return absl::NotFoundError(fmt::format("read of {}: no such file or directory", what));
  }
  if (r.exit_status != 0) {
    return absl::PermissionDeniedError(
        fmt::format("read of {} as root: {}", what, Strip(r.stderr_data)));
  }
  if (r.stdout_data.size() > max_bytes) {
    return absl::FailedPreconditionError(
        fmt::format("{} is larger than {} bytes", what, max_bytes));
  }
  return std::move(r.stdout_data);
}

}  // namespace reconcile::drivers::ssh
