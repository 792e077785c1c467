#include "drivers/libvirt/address_discovery.h"

#include <map>

#include "fmt/format.h"

namespace reconcile::drivers::libvirt {

std::string_view AddressSourceName(AddressSource source) {
  switch (source) {
    case AddressSource::kLease: return "lease";
    case AddressSource::kAgent: return "agent";
    case AddressSource::kArp: return "arp";
  }
  return "?";
}

absl::StatusOr<std::string> PollForAddress(std::string_view node_name, const AddressQuery& query,
                                           Clock& clock, absl::Duration timeout,
                                           absl::Duration poll) {
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
    tried.push_back(fmt::format("{}: {}", AddressSourceName(source), last[source]));
  }
  return absl::DeadlineExceededError(fmt::format("no IPv4 address for {} within {} (tried {})",
                                                 node_name, absl::FormatDuration(timeout),
                                                 fmt::join(tried, "; ")));
}

}  // namespace reconcile::drivers::libvirt
