#include "cli/plan_command.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>

#include "cli/cluster_session.h"
#include "cli/render/plan_json.h"
#include "cli/render/plan_text.h"
#include "cli/render/revision_json.h"
#include "cli/render/terminal_text.h"
#include "cli/saved_plan.h"
#include "cli/spec_text.h"
#include "fmt/format.h"

namespace reconcile::cli {
namespace {

// Writes the saved plan 0600, replacing `path` only once it is complete.
absl::Status WriteSavedPlan(const std::string& path, const std::string& text) {
  const std::string partial = path + ".partial";
  const int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return absl::FailedPreconditionError(fmt::format("cannot write {}", partial));
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!written || !synced || ::rename(partial.c_str(), path.c_str()) != 0) {
    ::unlink(partial.c_str());
    return absl::FailedPreconditionError(fmt::format("cannot write {}", path));
  }
  return absl::OkStatus();
}

}  // namespace

int RunPlan(const PlanOptions& options, std::ostream& out, std::ostream& err) {
  absl::StatusOr<ClusterSession> session = OpenCluster(options.target, err);
  if (!session.ok()) return 1;
  absl::StatusOr<PassResult> pass = PlanOnce(*session, err);
  if (!pass.ok()) return 1;
  if (options.json) {
    const std::string json = render::RenderPlanJson(pass->plan, session->desired.spec.cluster);
    out << (session->revision ? render::AddRevision(json, *session->revision, 2) : json + "\n");
  } else {
    if (session->revision) out << "Spec: " << render::RevisionLine(*session->revision) << "\n";
    out << render::RenderPlanText(pass->plan, render::UseColor(STDOUT_FILENO));
  }
  if (!options.out.empty()) {
    absl::StatusOr<std::string> spec_text = ReadSpecText(session->spec_path);
    if (!spec_text.ok()) {
      err << "reconcile plan: " << spec_text.status().message() << "\n";
      return 1;
    }
    const SavedPlan saved = MakeSavedPlan(
        std::filesystem::absolute(session->spec_path).string(), options.target.connect,
        DesiredDigest(*spec_text, session->desired.nodes), pass->observed, pass->plan,
        session->desired.spec.cluster);
    if (absl::Status s = WriteSavedPlan(options.out, SavedPlanToText(saved)); !s.ok()) {
      err << "reconcile plan: --out: " << s.message() << "\n";
      return 1;
    }
    // stderr: stdout may be the JSON document.
    err << fmt::format("Saved this plan to {}: `reconcile apply {}` carries out exactly it.\n",
                       options.out, options.out);
  }
  if (!pass->plan.problems.empty()) return 1;
  return options.detailed_exitcode && !pass->plan.converged() ? 2 : 0;
}

}  // namespace reconcile::cli
