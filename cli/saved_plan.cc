#include "cli/saved_plan.h"

#include <algorithm>
#include <iterator>

#include "cli/render/plan_json.h"
#include "fmt/format.h"
#include "model/observed_facts.h"
#include "model/sha256.h"

namespace reconcile::cli {
namespace {

constexpr const char* kFormatKey = "reconcile_saved_plan";
constexpr size_t kChangesShown = 5;

std::vector<std::string> Minus(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<std::string> out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

}  // namespace

std::string DesiredDigest(const std::string& spec_text, const std::vector<model::Node>& nodes) {
  model::Sha256 sha;
  // Length-prefixed fields: no two different inputs give the same stream.
  auto field = [&sha](std::string_view value) {
    sha.Update(fmt::format("{}:", value.size()));
    sha.Update(value);
  };
  field(spec_text);
  for (const model::Node& node : nodes) {
    field(node.name);
    field(node.hardware_hash);
    field(node.image_hash);
    for (const auto& [role, hash] : node.role_hashes) {
      field(role);
      field(hash);
    }
  }
  std::string hex;
  for (uint8_t byte : sha.Finish()) hex += fmt::format("{:02x}", byte);
  return hex;
}

SavedPlan MakeSavedPlan(std::string spec_path, std::string connect, std::string spec_digest,
                        const model::ObservedState& observed, const model::Plan& plan,
                        const std::string& cluster) {
  return SavedPlan{std::move(spec_path), std::move(connect), std::move(spec_digest),
                   model::ObservedFacts(observed), render::PlanToJson(plan, cluster)};
}

std::string SavedPlanToText(const SavedPlan& saved) {
  nlohmann::ordered_json doc;
  doc[kFormatKey] = kSavedPlanFormat;
  doc["spec"] = saved.spec_path;
  doc["connect"] = saved.connect;
  doc["spec_digest"] = saved.spec_digest;
  doc["observed"] = saved.observed_facts;
  doc["plan"] = saved.plan;
  return doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

std::optional<absl::StatusOr<SavedPlan>> ParseSavedPlan(const std::string& text) {
  nlohmann::ordered_json doc = nlohmann::ordered_json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains(kFormatKey)) return std::nullopt;
  if (doc[kFormatKey] != kSavedPlanFormat) {
    return absl::StatusOr<SavedPlan>(absl::InvalidArgumentError(fmt::format(
        "a saved plan of format {}; this reconcile reads format {}", doc[kFormatKey].dump(),
        kSavedPlanFormat)));
  }
  try {
    SavedPlan saved;
    saved.spec_path = doc.at("spec").get<std::string>();
    saved.connect = doc.at("connect").get<std::string>();
    saved.spec_digest = doc.at("spec_digest").get<std::string>();
    saved.observed_facts = doc.at("observed").get<std::vector<std::string>>();
    saved.plan = doc.at("plan");
    std::sort(saved.observed_facts.begin(), saved.observed_facts.end());
    return absl::StatusOr<SavedPlan>(std::move(saved));
  } catch (const nlohmann::json::exception& e) {
    return absl::StatusOr<SavedPlan>(
        absl::InvalidArgumentError(fmt::format("a damaged saved plan: {}", e.what())));
  }
}

std::optional<std::string> WhatChanged(const SavedPlan& saved, const model::ObservedState& observed,
                                       const model::Plan& plan, const std::string& cluster) {
  const std::vector<std::string> now = model::ObservedFacts(observed);
  std::vector<std::string> changes;
  for (const std::string& fact : Minus(saved.observed_facts, now)) changes.push_back("was: " + fact);
  for (const std::string& fact : Minus(now, saved.observed_facts)) changes.push_back("now: " + fact);
  if (changes.empty() && render::PlanToJson(plan, cluster) != saved.plan) {
    changes.push_back("the same world now gives another plan");
  }
  if (changes.empty()) return std::nullopt;
  std::string text = fmt::format("{}", fmt::join(changes.begin(),
                                                 changes.begin() + std::min(changes.size(), kChangesShown),
                                                 "; "));
  if (changes.size() > kChangesShown) text += fmt::format("; and {} more", changes.size() - kChangesShown);
  return text;
}

}  // namespace reconcile::cli
