// Running as root through sudo on nodes that log in as an ordinary user.
//
// Stock cloud images give the operator's key to a default user (`debian`,
// `ubuntu`) and refuse root logins, so `ssh.become: true` makes every command,
// file write and file read of a node run as root via `sudo -n` (never a
// password prompt: a sudo that wants one fails at once, with sudo's reason).
// Pure text: the session (ssh_session.h) sends what these return.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace reconcile::drivers::ssh {

// `command` run by /bin/sh as root: `sudo -n -- /bin/sh -c '<command>'`.
std::string AsRoot(std::string_view command);

// What a new session runs once to learn whether sudo works without a password.
std::string SudoCheckCommand();

// The login shell command that starts the long-lived root script shell.
std::string RootScriptShellCommand();

// Puts a file staged (by SFTP, as the login user) at `staged` in place as
// root: copied to a new temporary name beside `path`, chmod, chown to `owner`
// (empty: stays root's), then rename(2) over `path`. The staged file is always
// removed, the temporary one on failure; the exit status is non-zero then.
std::string RootFinishUpload(std::string_view staged, std::string_view temp_beside_path,
                             std::string_view path, uint32_t mode, std::string_view owner);

// Prints at most max_bytes + 1 bytes of `path` (one more than allowed, so a
// larger file can be told apart). Exit kReadMissing when it does not exist.
std::string RootReadFile(std::string_view path, size_t max_bytes);
inline constexpr int kReadMissing = 44;

}  // namespace reconcile::drivers::ssh
