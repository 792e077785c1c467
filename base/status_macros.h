// Early-return helpers for absl::Status / absl::StatusOr.
//
// Debian's abseil (20220623) predates ABSL_RETURN_IF_ERROR and friends; these are
// the project's one local equivalent. Use them at every boundary that returns a
// Status instead of hand-writing `if (!s.ok()) return s;`.
#pragma once

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace reconcile::internal {
// Status and StatusOr<T> both answer ok() and yield a Status.
inline const absl::Status& AsStatus(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& AsStatus(const absl::StatusOr<T>& s) {
  return s.status();
}
}  // namespace reconcile::internal

#define RECONCILE_CONCAT_INNER_(a, b) a##b
#define RECONCILE_CONCAT_(a, b) RECONCILE_CONCAT_INNER_(a, b)

// RETURN_IF_ERROR(expr): evaluates expr (a Status or StatusOr) once and returns its
// Status from the enclosing function when it is not OK.
#define RETURN_IF_ERROR(expr)                                                  \
  do {                                                                         \
    const auto& reconcile_status_ = (expr);                                    \
    if (!reconcile_status_.ok())                                               \
      return ::reconcile::internal::AsStatus(reconcile_status_);               \
  } while (false)

// ASSIGN_OR_RETURN(lhs, expr): evaluates a StatusOr<T>; on error returns its
// Status, otherwise moves the value into lhs (which may be a declaration,
// e.g. `ASSIGN_OR_RETURN(auto spec, Load(path));`).
#define ASSIGN_OR_RETURN(lhs, expr)                                            \
  ASSIGN_OR_RETURN_IMPL_(RECONCILE_CONCAT_(reconcile_statusor_, __LINE__), lhs, \
                         expr)
#define ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr)                                 \
  auto tmp = (expr);                                                           \
  if (!tmp.ok()) return std::move(tmp).status();                              \
  lhs = std::move(tmp).value()
