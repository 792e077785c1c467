#include "model/plan.h"

namespace reconcile::model {

std::string_view ActionKindName(ActionKind kind) {
  switch (kind) {
    case ActionKind::kCreate: return "create";
    case ActionKind::kStart: return "start";
    case ActionKind::kUpdate: return "update";
    case ActionKind::kReplace: return "replace";
    case ActionKind::kConfigure: return "configure";
    case ActionKind::kDelete: return "delete";
    case ActionKind::kCreateNetwork: return "create-network";
    case ActionKind::kDeleteNetwork: return "delete-network";
  }
  return "unknown";
}

std::string_view ActionKindSymbol(ActionKind kind) {
  switch (kind) {
    case ActionKind::kCreate: return "+";
    case ActionKind::kStart: return "~";
    case ActionKind::kUpdate: return "~";
    case ActionKind::kReplace: return "-/+";
    case ActionKind::kConfigure: return "~";
    case ActionKind::kDelete: return "-";
    case ActionKind::kCreateNetwork: return "+";
    case ActionKind::kDeleteNetwork: return "-";
  }
  return "?";
}

}  // namespace reconcile::model
