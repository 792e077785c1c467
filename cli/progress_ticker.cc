#include "cli/progress_ticker.h"

#include <algorithm>

#include "base/text.h"
#include "cli/render/terminal_text.h"
#include "fmt/format.h"

namespace reconcile::cli {
namespace {

constexpr std::string_view kEraseLine = "\r\x1b[K";
constexpr std::string_view kCyan = "\x1b[36m";
constexpr std::string_view kReset = "\x1b[0m";
constexpr std::string_view kSpinner = "|/-\\";

std::string Label(const model::Action& action) {
  std::string label = fmt::format("{} {}", model::ActionKindName(action.kind),
                                  render::TerminalSafe(action.node));
  if (!action.role.empty()) label += " [" + render::TerminalSafe(action.role) + "]";
  return label;
}

}  // namespace

std::string ShortDuration(absl::Duration d) {
  const int64_t seconds = std::max<int64_t>(0, absl::ToInt64Seconds(d));
  if (seconds < 60) return fmt::format("{}s", seconds);
  if (seconds < 3600) return fmt::format("{}m{:02}s", seconds / 60, seconds % 60);
  return fmt::format("{}h{:02}m", seconds / 3600, seconds % 3600 / 60);
}

std::function<std::string()> ElapsedPrefix(Clock& clock, absl::Time start) {
  return [&clock, start] {
    return fmt::format("[{:6.1f}s] ", absl::ToDoubleSeconds(clock.Now() - start));
  };
}

ProgressTicker::Style ProgressTicker::StyleFor(int fd) {
  Style style;
  style.redraw = render::CanRedrawLine(fd);
  style.color = style.redraw && render::UseColor(fd);
  style.columns = render::TerminalColumns(fd);
  if (!style.redraw) style.tick = absl::Seconds(1);  // nothing to animate
  return style;
}

ProgressTicker::ProgressTicker(std::ostream& out, Clock& clock, Style style,
                               std::function<std::string()> prefix)
    : out_(out), clock_(clock), style_(style), prefix_(std::move(prefix)) {
  quiet_since_ = clock_.Now();
  if (style_.background) {
    thread_ = std::thread([this] {
      absl::MutexLock lock(&mu_);
      // Wakes every tick (real time) until stopped.
      while (!mu_.AwaitWithTimeout(absl::Condition(&stop_), style_.tick)) TickLocked();
    });
  }
}

ProgressTicker::~ProgressTicker() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  if (thread_.joinable()) thread_.join();
  absl::MutexLock lock(&mu_);
  EraseLocked();
}

void ProgressTicker::Attach(
    ExecutorOptions& executor,
    std::function<std::string(const model::Action&, const ActionResult&)> done_line) {
  executor.on_start = [this](const model::Action& action) { Started(action); };
  executor.on_done = [this, done_line = std::move(done_line)](const model::Action& action,
                                                                const ActionResult& result) {
    Finished(action, done_line(action, result));
  };
}

void ProgressTicker::Started(const model::Action& action) {
  absl::MutexLock lock(&mu_);
  const absl::Time now = clock_.Now();
  if (running_.empty()) quiet_since_ = now;  // a "still running" line is due `every` from here
  running_.push_back({action.id, Label(action), now});
}

void ProgressTicker::Finished(const model::Action& action, const std::string& line) {
  absl::MutexLock lock(&mu_);
  // Skipped actions never started: nothing to remove.
  running_.erase(std::remove_if(running_.begin(), running_.end(),
                                [&](const Running& r) { return r.id == action.id; }),
                 running_.end());
  WriteLineLocked(line);
}

void ProgressTicker::Print(const std::string& line) {
  absl::MutexLock lock(&mu_);
  WriteLineLocked(line);
}

void ProgressTicker::Tick() {
  absl::MutexLock lock(&mu_);
  TickLocked();
}

void ProgressTicker::WriteLineLocked(const std::string& line) {
  EraseLocked();
  out_ << line << "\n" << std::flush;
  quiet_since_ = clock_.Now();
  // On a terminal the status line comes back at the next tick, below.
}

void ProgressTicker::EraseLocked() {
  if (!drawn_) return;
  out_ << kEraseLine << std::flush;
  drawn_ = false;
}

std::string ProgressTicker::ListLocked(absl::Time now) const {
  std::vector<std::string> items;
  items.reserve(running_.size());
  for (const Running& r : running_) items.push_back(fmt::format("{} ({})", r.label, ShortDuration(now - r.since)));
  return fmt::format("{}", fmt::join(items, ", "));
}

void ProgressTicker::TickLocked() {
  if (running_.empty()) {
    EraseLocked();
    return;
  }
  const absl::Time now = clock_.Now();
  if (!style_.redraw) {
    if (now - quiet_since_ < style_.every) return;
    out_ << Prefix() << "still running: " << ListLocked(now) << "\n" << std::flush;
    quiet_since_ = now;
    return;
  }
  if (now - running_.front().since < style_.show_after) return;  // the oldest, started first
  const char spinner = kSpinner[frame_++ % kSpinner.size()];
  const std::string prefix = Prefix();
  const std::string text = fmt::format(
      "{} running: {}", Counted(static_cast<long long>(running_.size()), "action", "actions"),
      ListLocked(now));
  // The line must not wrap, or the carriage return redraws only its last row.
  const size_t room = style_.columns - std::min(style_.columns, render::DisplayWidth(prefix) + 3);
  const std::string fitted = render::CutToWidth(text, room);
  out_ << kEraseLine << prefix;
  if (style_.color) {
    out_ << kCyan << spinner << kReset;
  } else {
    out_ << spinner;
  }
  out_ << ' ' << fitted << std::flush;
  drawn_ = true;
}

}  // namespace reconcile::cli
