#include "drivers/ssh/probe_script.h"

#include <cstdlib>
#include <iterator>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "base/shell_quote.h"
#include "base/text.h"
#include "fmt/format.h"

namespace reconcile::drivers::ssh {
namespace {

bool IsValidNonce(std::string_view nonce) {
  if (nonce.size() < 8) return false;
  for (char c : nonce) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

absl::Status CheckRoleName(std::string_view role) {
  if (role.empty() || role == "." || role == ".." ||
      role.find_first_of(std::string_view("/\0", 2)) != std::string_view::npos) {
    return absl::InvalidArgumentError(
        fmt::format("probe: role name '{}' is not a single path component", role));
  }
  return absl::OkStatus();
}

std::string Delimiter(std::string_view nonce) { return fmt::format("@@rcprobe-{}", nonce); }

}  // namespace

std::string ProbeEndMarker(std::string_view nonce) {
  return fmt::format("\n{} end\n", Delimiter(nonce));
}

absl::StatusOr<std::string> BuildProbeScript(const ProbeRequest& request,
                                             std::string_view nonce) {
  if (!IsValidNonce(nonce)) {
    return absl::InvalidArgumentError("probe: nonce must be >= 8 letters or digits");
  }
  if (request.state_dir.empty()) {
    return absl::InvalidArgumentError("probe: state_dir is empty");
  }
  // Only shell builtins except for the checks themselves: a warm probe then
  // costs the node one shell process.
  std::string s = fmt::format(
      "D={}\n"
      "p() {{ v=; {{ IFS= read -r v < \"$2\"; }} 2>/dev/null; printf '\\n"
      "%s %s\\n"
      "%s' \"$D\" \"$1\" \"$v\"; }}\n"
      "p host /proc/sys/kernel/hostname\n"
      "p boot /proc/sys/kernel/random/boot_id\n"
      "p uptime /proc/uptime\n",
      Delimiter(nonce));
  std::string roles_dir = request.state_dir;
  if (roles_dir.back() != '/') roles_dir += '/';
  roles_dir += "roles/";
  for (size_t i = 0; i < request.roles.size(); ++i) {
    if (absl::Status st = CheckRoleName(request.roles[i]); !st.ok()) return st;
    std::string path = ShellQuote(fmt::format("{}{}.hash", roles_dir, request.roles[i]));
    fmt::format_to(std::back_inserter(s), "if [ -f {} ]; then p 'role {}' {}; fi\n", path, i, path);
  }
  for (size_t i = 0; i < request.checks.size(); ++i) {
    // A subshell (a fork, no exec: cheap) evaluating the quoted command: a
    // check that exits, execs or has unbalanced quotes cannot affect the rest
    // of the probe. Output is discarded, only the status kept.
    fmt::format_to(std::back_inserter(s),
                   "( eval {} ) </dev/null >/dev/null 2>&1; printf '\\n"
                   "%s check {} %d' \"$D\" $?\n",
                   ShellQuote(request.checks[i].command), i);
  }
  s += "printf '\\n%s end\\n' \"$D\"\n";
  return s;
}

absl::StatusOr<ProbeResult> ParseProbeOutput(const ProbeRequest& request,
                                             std::string_view nonce,
                                             std::string_view output) {
  const std::string marker = fmt::format("\n{} ", Delimiter(nonce));
  ProbeResult result;
  bool have_host = false, have_boot = false, have_uptime = false, have_end = false;
  std::vector<bool> have_check(request.checks.size(), false);

  size_t pos = output.find(marker);
  while (pos != std::string_view::npos) {
    size_t start = pos + marker.size();
    size_t next = output.find(marker, start);
    std::string_view section = output.substr(
        start, next == std::string_view::npos ? std::string_view::npos : next - start);
    size_t eol = section.find('\n');
    std::string_view header = section.substr(0, eol);
    std::string_view body =
        eol == std::string_view::npos ? std::string_view() : section.substr(eol + 1);
    body = StripTrailing(body);
    std::vector<std::string_view> words = Split(header, ' ');
    size_t index = 0;
    if (words[0] == "host") {
      result.hostname = std::string(body);
      have_host = true;
    } else if (words[0] == "boot") {
      result.boot_id = std::string(body);
      have_boot = true;
    } else if (words[0] == "uptime") {
      double seconds = 0;
      std::string_view first = body.substr(0, body.find(' '));
      if (!absl::SimpleAtod(std::string(first), &seconds)) {
        return absl::DataLossError(fmt::format("probe: bad uptime '{}'", body));
      }
      result.uptime = absl::Seconds(seconds);
      have_uptime = true;
    } else if (words[0] == "role" && words.size() == 2 &&
               absl::SimpleAtoi(std::string(words[1]), &index) && index < request.roles.size()) {
      result.role_hashes[request.roles[index]] = std::string(body);
    } else if (words[0] == "check" && words.size() == 3 &&
               absl::SimpleAtoi(std::string(words[1]), &index) && index < request.checks.size()) {
      int status = 0;
      if (!absl::SimpleAtoi(std::string(words[2]), &status)) {
        return absl::DataLossError(fmt::format("probe: bad check status '{}'", header));
      }
      result.check_exit_status[request.checks[index].id] = status;
      have_check[index] = true;
    } else if (words[0] == "end") {
      have_end = true;
    } else {
      return absl::DataLossError(fmt::format("probe: unexpected section '{}'", header));
    }
    pos = next;
  }
  if (!have_host || !have_boot || !have_uptime) {
    return absl::DataLossError("probe: output lacks hostname, boot id or uptime");
  }
  for (size_t i = 0; i < have_check.size(); ++i) {
    if (!have_check[i]) {
      return absl::DataLossError(
          fmt::format("probe: no result for check '{}'", request.checks[i].id));
    }
  }
  if (!have_end) return absl::DataLossError("probe: output was cut short (no end marker)");
  return result;
}

}  // namespace reconcile::drivers::ssh
