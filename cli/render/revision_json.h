// The git commit behind a spec (model/spec_revision.h) in the JSON documents
// of plan --json, status --json and the status page, as their "revision"
// member (docs/plan-json.md, docs/status-json.md), and as one line of text.
#pragma once

#include <string>

#include "model/spec_revision.h"
#include "nlohmann/json.hpp"

namespace reconcile::render {

// {"repo", "branch", "path", "seen", "desired", "applied", "refused":
// {"commit", "error"} | null, "fetch_error": string | null, "last_fetch"}.
// Commits are full ids or null.
nlohmann::ordered_json RevisionToJson(const model::SpecRevision& revision);

// `document`, a JSON object, with "revision" added as its last member,
// indented as given (-1: compact), ending in a newline.
std::string AddRevision(const std::string& document, const model::SpecRevision& revision,
                        int indent);

// "clusters/lab.yaml at 3f2a9c1b7d4e, tip of main in /srv/cluster.git".
std::string RevisionLine(const model::SpecRevision& revision);

}  // namespace reconcile::render
