#include "drivers/libvirt/address_discovery.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace reconcile::drivers::libvirt {

absl::string_view AddressSourceName(AddressSource source) {
  switch (source) {
    case AddressSource::kLease: return "lease";
    case AddressSource::kAgent: return "agent";
    case AddressSource::kArp: return "arp";
  }
  return "?";
}

absl::StatusOr<std::string> PollForAddress(absl::string_view node_name,
                                           const AddressQuery& query, Clock& clock,
                                           absl::Duration timeout, absl::Duration poll) {
  constexpr AddressSource kOrder[] = {AddressSource::kLease, AddressSource::kAgent,
                                      AddressSource::kArp};
  const absl::Time deadline = clock.Now() + timeout;
  std::map<AddressSource, std::string> last;  // what each source last said
  while (true) {
    for (AddressSource source : kOrder) {
      absl::StatusOr<std::vector<std::string>> found = query(source);
      if (found.ok() && !found->empty()) return found->front();
      if (!found.ok() && (absl::IsNotFound(found.status()) ||
                          absl::IsFailedPrecondition(found.status()))) {
        return found.status();  // gone, or dead: no source will ever answer
      }
      last[source] = found.ok() ? "no IPv4 address yet" : std::string(found.status().message());
    }
    if (clock.Now() + poll > deadline) break;
    clock.SleepFor(poll);
  }
  std::vector<std::string> tried;
  for (AddressSource source : kOrder) {
    tried.push_back(absl::StrCat(AddressSourceName(source), ": ", last[source]));
  }
  return absl::DeadlineExceededError(
      absl::StrCat("no IPv4 address for ", node_name, " within ",
                   absl::FormatDuration(timeout), " (tried ", absl::StrJoin(tried, "; "), ")"));
}

}  // namespace reconcile::drivers::libvirt
