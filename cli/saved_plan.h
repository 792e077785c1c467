// Saved plans, as Terraform users know them: `plan --out FILE` writes the
// plan with what it was made from (the spec as loaded, the observed facts);
// `apply FILE` carries out exactly that plan, or refuses when the spec or the
// world changed since and says what changed.
//
// The file holds no secret: the plan document (docs/plan-json.md) carries
// names and reasons only, the spec is recorded as a digest, and the facts
// are domain states, hashes and addresses. It is written 0600 all the same.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "model/node.h"
#include "model/observed.h"
#include "model/plan.h"
#include "nlohmann/json.hpp"

namespace reconcile::cli {

inline constexpr int kSavedPlanFormat = 1;

struct SavedPlan {
  std::string spec_path;  // absolute
  std::string connect;    // the --connect it was planned with ("" for none)
  std::string spec_digest;
  std::vector<std::string> observed_facts;  // model/observed_facts.h
  nlohmann::ordered_json plan;              // render::PlanToJson
};

// Digest of the desired state: the spec file's bytes and every node as
// expanded (hashes of hardware, image and each rendered role), so an edit
// of the spec, a module, a secret or a variable shows.
std::string DesiredDigest(const std::string& spec_text, const std::vector<model::Node>& nodes);

SavedPlan MakeSavedPlan(std::string spec_path, std::string connect, std::string spec_digest,
                        const model::ObservedState& observed, const model::Plan& plan,
                        const std::string& cluster);

std::string SavedPlanToText(const SavedPlan& saved);

// nullopt when `text` is not a saved plan at all (then it is a spec);
// kInvalidArgument for a saved plan that is damaged or of another format.
std::optional<absl::StatusOr<SavedPlan>> ParseSavedPlan(const std::string& text);

// Why the world or plan now differs from the saved one ("domain x on '':
// running" gone, ...), or nullopt when they are the same.
std::optional<std::string> WhatChanged(const SavedPlan& saved, const model::ObservedState& observed,
                                       const model::Plan& plan, const std::string& cluster);

}  // namespace reconcile::cli
