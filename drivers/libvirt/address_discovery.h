// Finding a node's IPv4 address: DHCP lease, then guest agent, then ARP, each
// asked in turn until one answers or the deadline passes. The polling logic
// is separate from libvirt so it is tested with a fake clock.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/clock.h"

namespace reconcile::drivers::libvirt {

enum class AddressSource { kLease, kAgent, kArp };
std::string_view AddressSourceName(AddressSource source);

// Asks one source; returns the IPv4 addresses it knows (possibly none) or an
// error (agent not running, ARP unsupported...).
using AddressQuery =
    std::function<absl::StatusOr<std::vector<std::string>>(AddressSource)>;

// Polls lease, agent, ARP in that order every `poll` until one returns an
// address, or until `timeout`: then kDeadlineExceeded naming each source and
// what it last said. A kNotFound (the domain is gone) or kFailedPrecondition
// (it is not running) from a query ends the search at once.
absl::StatusOr<std::string> PollForAddress(std::string_view node_name, const AddressQuery& query,
                                           Clock& clock, absl::Duration timeout,
                                           absl::Duration poll = absl::Milliseconds(250));

}  // namespace reconcile::drivers::libvirt
