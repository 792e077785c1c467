#include "cli/render/revision_json.h"

#include "absl/time/time.h"
#include "fmt/format.h"

namespace reconcile::render {
namespace {

using nlohmann::ordered_json;

ordered_json CommitOrNull(const std::string& commit) {
  return commit.empty() ? ordered_json(nullptr) : ordered_json(commit);
}

}  // namespace

ordered_json RevisionToJson(const model::SpecRevision& revision) {
  ordered_json doc = {{"repo", revision.repo},
                      {"branch", revision.branch},
                      {"path", revision.path},
                      {"seen", CommitOrNull(revision.seen)},
                      {"desired", CommitOrNull(revision.desired)},
                      {"applied", CommitOrNull(revision.applied)}};
  doc["refused"] = revision.refused.empty()
                       ? ordered_json(nullptr)
                       : ordered_json{{"commit", revision.refused}, {"error", revision.refused_error}};
  doc["fetch_error"] =
      revision.fetch_error.empty() ? ordered_json(nullptr) : ordered_json(revision.fetch_error);
  doc["last_fetch"] = revision.last_fetch == absl::InfinitePast()
                          ? ordered_json(nullptr)
                          : ordered_json(absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", revision.last_fetch,
                                                          absl::UTCTimeZone()));
  return doc;
}

std::string AddRevision(const std::string& document, const model::SpecRevision& revision,
                        int indent) {
  ordered_json doc = ordered_json::parse(document, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) doc = ordered_json::object();
  doc["revision"] = RevisionToJson(revision);
  return doc.dump(indent, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

std::string RevisionLine(const model::SpecRevision& revision) {
  const std::string& commit = revision.desired.empty() ? revision.seen : revision.desired;
  std::string line = fmt::format("{} at {}", revision.path, model::ShortCommit(commit));
  if (commit == revision.seen) {
    line += fmt::format(", tip of {} in {}", revision.branch, revision.repo);
  } else {
    line += fmt::format(" of {} in {} (tip {} {})", revision.branch, revision.repo,
                        model::ShortCommit(revision.seen),
                        revision.seen == revision.refused ? "refused" : "not taken yet");
  }
  return line;
}

}  // namespace reconcile::render
