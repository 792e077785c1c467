// probe_bench: time one probe pass over a fleet with the SSH driver.
//
// Cold pass = a fresh SshNodeShell (every node dialled, key exchange, host key
// verified, authenticated); warm passes = the same shell again, reusing the
// pooled sessions (one channel per probe). Prints figures, asserts nothing.
//
// usage: probe_bench --nodes FILE --key FILE --hostkeys DIR [--parallel K]
//                    [--warm N] [--checks N] [--limit N]
//   FILE lines: "name address port" (tests/lab/fleet.sh inventory --list);
//   DIR holds <name>.pub, each node's host public key (strictly verified).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "base/parallel.h"
#include "drivers/ssh/ssh_node_shell.h"

namespace {

using reconcile::drivers::ProbeRequest;
using reconcile::drivers::ProbeResult;
using reconcile::drivers::SshTarget;
using reconcile::ForEachBounded;
using reconcile::drivers::ssh::SshNodeShell;

struct Options {
  std::string nodes, key, hostkeys;
  size_t parallel = 64, warm = 5, checks = 1, limit = 0;
};

bool ParseArgs(int argc, char** argv, Options& o) {
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--nodes") o.nodes = value;
    else if (flag == "--key") o.key = value;
    else if (flag == "--hostkeys") o.hostkeys = value;
    else if (flag == "--parallel") o.parallel = std::stoul(value);
    else if (flag == "--warm") o.warm = std::stoul(value);
    else if (flag == "--checks") o.checks = std::stoul(value);
    else if (flag == "--limit") o.limit = std::stoul(value);
    else return false;
  }
  return !o.nodes.empty() && !o.key.empty() && !o.hostkeys.empty();
}

std::vector<SshTarget> LoadTargets(const Options& o) {
  std::vector<SshTarget> targets;
  std::ifstream in(o.nodes);
  SshTarget t;
  while (in >> t.node >> t.host >> t.port) {
    std::ifstream pub(o.hostkeys + "/" + t.node + ".pub");
    std::string line;
    std::getline(pub, line);
    t.expected_host_keys = {line};
    t.identity_file = o.key;
    t.connect_timeout = absl::Seconds(30);
    targets.push_back(t);
    if (o.limit && targets.size() == o.limit) break;
  }
  return targets;
}

// One pass; returns wall seconds, counts failures (printing the first few).
double Pass(SshNodeShell& shell, const std::vector<SshTarget>& targets, const ProbeRequest& req,
            size_t parallel, size_t& failures) {
  std::vector<absl::StatusOr<ProbeResult>> results(targets.size(), absl::UnknownError(""));
  const absl::Time start = absl::Now();
  ForEachBounded(targets.size(), parallel, [&](size_t i) {
    results[i] = shell.Probe(targets[i], req, absl::Now() + absl::Seconds(120));
  });
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  failures = 0;
  for (size_t i = 0; i < results.size(); ++i) {
    bool ok = results[i].ok() && results[i]->hostname == targets[i].node;
    if (!ok && ++failures <= 3) {
      std::cerr << targets[i].node << ": "
                << (results[i].ok() ? "hostname " + results[i]->hostname
                                    : results[i].status().ToString())
                << "\n";
    }
  }
  return seconds;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!ParseArgs(argc, argv, o)) {
    std::cerr << "usage: probe_bench --nodes FILE --key FILE --hostkeys DIR [--parallel K]"
                 " [--warm N] [--checks N] [--limit N]\n";
    return 64;
  }
  std::vector<SshTarget> targets = LoadTargets(o);
  if (targets.empty()) {
    std::cerr << "probe_bench: no nodes in " << o.nodes << "\n";
    return 1;
  }
  ProbeRequest req;
  req.state_dir = "/var/lib/reconcile";
  req.roles = {"base", "web"};
  for (size_t c = 0; c < o.checks; ++c) {
    req.checks.push_back({"check" + std::to_string(c), "test -d /root"});
  }

  SshNodeShell shell;
  size_t failures = 0, total_failures = 0;
  const double cold = Pass(shell, targets, req, o.parallel, failures);
  total_failures += failures;
  std::vector<double> warm;
  for (size_t w = 0; w < o.warm; ++w) {
    warm.push_back(Pass(shell, targets, req, o.parallel, failures));
    total_failures += failures;
  }
  std::sort(warm.begin(), warm.end());
  const double warm_median = warm.empty() ? 0 : warm[warm.size() / 2];
  std::printf("nodes=%zu parallel=%zu checks=%zu cold_s=%.3f warm_median_s=%.3f warm_min_s=%.3f "
              "dials=%zu failures=%zu\n",
              targets.size(), o.parallel, o.checks, cold, warm_median,
              warm.empty() ? 0 : warm.front(), shell.pool().dials(), total_failures);
  return total_failures == 0 ? 0 : 1;
}
