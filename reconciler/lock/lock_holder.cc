#include "reconciler/lock/lock_holder.h"

#include <unistd.h>

#include <fstream>
#include <iterator>

#include "absl/strings/numbers.h"
#include "absl/time/clock.h"
#include "fmt/format.h"

namespace reconcile {
namespace {

constexpr const char* kTimeFormat = "%Y-%m-%dT%H:%M:%SZ";

std::string OneLine(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return out;
}

std::string ThisCommand() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!cmdline.empty() && cmdline.back() == '\0') cmdline.pop_back();
  for (char& c : cmdline) {
    if (c == '\0') c = ' ';  // arguments are NUL-separated
  }
  return cmdline;
}

std::string ThisHost() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) return "";
  return name;
}

}  // namespace

LockHolder LockHolder::ThisProcess() {
  return LockHolder{.pid = static_cast<int>(getpid()),
                    .host = ThisHost(),
                    .command = ThisCommand(),
                    .since = absl::Now()};
}

std::string FormatLockHolder(const LockHolder& holder) {
  return fmt::format("pid={}\nhost={}\ncommand={}\nsince={}\n", holder.pid, OneLine(holder.host),
                     OneLine(holder.command),
                     absl::FormatTime(kTimeFormat, holder.since, absl::UTCTimeZone()));
}

LockHolder ParseLockHolder(std::string_view text) {
  LockHolder holder;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view key = line.substr(0, eq);
    const std::string value(line.substr(eq + 1));
    if (key == "pid") {
      int pid = 0;
      if (absl::SimpleAtoi(value, &pid) && pid > 0) holder.pid = pid;
    } else if (key == "host") {
      holder.host = value;
    } else if (key == "command") {
      holder.command = value;
    } else if (key == "since") {
      absl::Time since;
      std::string error;
      if (absl::ParseTime(kTimeFormat, value, absl::UTCTimeZone(), &since, &error)) {
        holder.since = since;
      }
    }
  }
  return holder;
}

std::string DescribeLockHolder(const LockHolder& holder) {
  if (holder.pid <= 0) return "a holder that has not written its name yet";
  std::string out = fmt::format("pid {}", holder.pid);
  if (!holder.host.empty()) out += fmt::format(" on {}", holder.host);
  if (!holder.command.empty()) out += fmt::format(" ({})", holder.command);
  if (holder.since != absl::UnixEpoch()) {
    out += fmt::format(" since {}", absl::FormatTime(kTimeFormat, holder.since, absl::UTCTimeZone()));
  }
  return out;
}

}  // namespace reconcile
