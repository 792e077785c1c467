#include "drivers/ssh/become.h"

#include <fmt/format.h>

#include "base/shell_quote.h"

namespace reconcile::drivers::ssh {

std::string AsRoot(std::string_view command) {
  return fmt::format("sudo -n -- /bin/sh -c {}", ShellQuote(command));
}

std::string SudoCheckCommand() { return "sudo -n -- true"; }

// exec: the shell that reads the probe scripts is root's, not a login shell
// waiting on a child.
std::string RootScriptShellCommand() { return "exec sudo -n -- /bin/sh"; }

std::string RootFinishUpload(std::string_view staged, std::string_view temp_beside_path,
                             std::string_view path, uint32_t mode, std::string_view owner) {
  const std::string s = ShellQuote(staged), t = ShellQuote(temp_beside_path);
  // Copied by root into a new file (noclobber: O_EXCL, never through a planted
  // link), so owner and group are root's exactly as a root login would leave
  // them; synced before the final mv within the target's directory, the
  // atomic rename(2), as the SFTP path fsyncs (no empty file after a crash).
  std::string chown;
  if (!owner.empty()) chown = fmt::format("chown -- {} {} && ", ShellQuote(owner), t);
  const std::string script = fmt::format(
      "set -C; umask 077; cat -- {s} > {t} && sync -- {t} && chmod {mode:04o} {t} && {chown}"
      "mv -f -- {t} {p}; "
      "rc=$?; rm -f -- {s}; [ $rc -eq 0 ] || rm -f -- {t}; exit $rc",
      fmt::arg("s", s), fmt::arg("t", t), fmt::arg("p", ShellQuote(path)),
      fmt::arg("mode", mode & 07777), fmt::arg("chown", chown));
  return AsRoot(script);
}

std::string RootReadFile(std::string_view path, size_t max_bytes) {
  const std::string p = ShellQuote(path);
  return AsRoot(fmt::format("if [ ! -e {p} ]; then exit {missing}; fi; exec head -c {n} -- {p}",
                            fmt::arg("p", p), fmt::arg("missing", kReadMissing),
                            fmt::arg("n", max_bytes + 1)));
}

}  // namespace reconcile::drivers::ssh
