// GoogleMock matchers for absl::Status / absl::StatusOr (Debian's abseil 20220623
// ships none). Usage:
//   EXPECT_THAT(s, IsOk());
//   EXPECT_THAT(f(), IsOkAndHolds(Eq(3)));
//   EXPECT_THAT(f(), StatusIs(absl::StatusCode::kNotFound, HasSubstr("node")));
#pragma once

#include <ostream>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"

namespace reconcile::testing {

inline const absl::Status& GetStatus(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& s) {
  return s.status();
}

MATCHER(IsOk, negation ? "is not OK" : "is OK") {
  const absl::Status& s = GetStatus(arg);
  if (!s.ok()) *result_listener << "status: " << s;
  return s.ok();
}

MATCHER_P(IsOkAndHolds, inner, negation ? "is not OK or holds another value" : "is OK and holds a matching value") {
  if (!arg.ok()) {
    *result_listener << "status: " << arg.status();
    return false;
  }
  return ::testing::ExplainMatchResult(inner, *arg, result_listener);
}

MATCHER_P2(StatusIs, code, message_matcher,
           "has code " + absl::StatusCodeToString(code) + " and a matching message") {
  const absl::Status& s = GetStatus(arg);
  if (s.code() != code) {
    *result_listener << "status: " << s;
    return false;
  }
  return ::testing::ExplainMatchResult(message_matcher, std::string(s.message()),
                                       result_listener);
}

MATCHER_P(StatusIs, code, "has code " + absl::StatusCodeToString(code)) {
  const absl::Status& s = GetStatus(arg);
  if (s.code() != code) *result_listener << "status: " << s;
  return s.code() == code;
}

}  // namespace reconcile::testing
