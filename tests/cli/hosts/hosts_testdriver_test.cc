// This test verifies the several-host path end to end in one process, on
// independent libvirt test-driver endpoints (one fixture file per host) wired
// by the CLI's OpenHosts: apply creates each node on the host placement chose
// (overlay in that host's pool), a re-plan is empty, adding a host moves
// nothing and takes the next new node, a host that is down makes every unseen
// node unknown with nothing created, and exhausted capacity is a problem that
// names hosts and resources.
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cluster_session.h"
#include "cli/host_connections.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reconciler/reconciler.h"
#include "tests/cli/hosts/hosts_spec_file.h"
#include "tests/testing/fake_node_shell.h"
#include "tests/testing/simulated_clock.h"

namespace reconcile {
namespace {

using testing::HostEntry;
using testing::HostFixture;
using testing::HostsSpecFile;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class HostsTestDriverTest : public ::testing::Test {
 protected:
  // Opens one driver per host of `spec_file`'s spec.
  void Open(const HostsSpecFile& spec_file) {
    std::ostringstream err;
    absl::StatusOr<Desired> desired = cli::LoadDesired(spec_file.path(), "", err);
    ASSERT_TRUE(desired.ok()) << err.str();
    absl::StatusOr<std::vector<std::unique_ptr<drivers::Hypervisor>>> opened =
        cli::OpenHosts(desired->spec, err);
    ASSERT_TRUE(opened.ok()) << err.str();
    drivers_ = *std::move(opened);
  }

  // A reconciler for `spec_file` on the first drivers_.size() hosts opened.
  Reconciler Make(const HostsSpecFile& spec_file) {
    std::ostringstream err;
    absl::StatusOr<Desired> desired = cli::LoadDesired(spec_file.path(), "", err);
    EXPECT_TRUE(desired.ok()) << err.str();
    std::vector<HostConnection> hosts;
    const auto spec_hosts = desired->spec.Hosts();
    for (size_t i = 0; i < spec_hosts.size(); ++i) {
      hosts.push_back({spec_hosts[i].name, drivers_.at(i).get()});
    }
    ReconcilerOptions options = OptionsFromPolicy(desired->spec);
    return Reconciler(desired->spec, desired->nodes, std::move(hosts), shell_, clock_, options);
  }

  std::vector<std::string> Domains(size_t host) {
    absl::StatusOr<std::vector<drivers::DomainInfo>> domains = drivers_.at(host)->ListDomains();
    EXPECT_TRUE(domains.ok()) << domains.status();
    std::vector<std::string> names;
    for (const drivers::DomainInfo& domain : *domains) {
      if (domain.managed()) names.push_back(domain.name);
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  std::vector<std::unique_ptr<drivers::Hypervisor>> drivers_;
  testing::FakeNodeShell shell_;
  testing::SimulatedClock clock_;
};

std::vector<std::string> Creates(const model::Plan& plan) {
  std::vector<std::string> out;
  for (const model::Action& action : plan.actions) {
    if (action.kind == model::ActionKind::kCreate) out.push_back(action.node + "@" + action.host);
  }
  return out;
}

TEST_F(HostsTestDriverTest, ApplySpreadsNodesAndStaysPutWhenAHostIsAdded) {
  HostsSpecFile three_hosts({{"h1", HostFixture("host1.xml")},
                             {"h2", HostFixture("host2.xml")},
                             {"h3", HostFixture("host3.xml")}}, 3);
  Open(three_hosts);  // h3 stays unused until the spec names it
  HostsSpecFile two_hosts({{"h1", HostFixture("host1.xml")}, {"h2", HostFixture("host2.xml")}}, 2);

  Reconciler first = Make(two_hosts);
  absl::StatusOr<PassResult> planned = first.PlanPass();
  ASSERT_TRUE(planned.ok()) << planned.status();
  EXPECT_THAT(Creates(planned->plan), ElementsAre("lab-web-1@h1", "lab-web-2@h2", "lab-db-1@h1"));
  ApplyOutcome outcome = ApplyUntilConverged(first, 3, clock_);
  ASSERT_TRUE(outcome.converged) << outcome.stopped_because << " " << outcome.error;
  EXPECT_THAT(Domains(0), ElementsAre("lab-db-1", "lab-web-1"));
  EXPECT_THAT(Domains(1), ElementsAre("lab-web-2"));
  EXPECT_THAT(Domains(2), IsEmpty());
  absl::StatusOr<drivers::DomainInfo> web2 = drivers_[1]->GetDomain("lab-web-2");
  ASSERT_TRUE(web2.ok()) << web2.status();
  ASSERT_TRUE(web2->owner.has_value());
  ASSERT_EQ(web2->owner->volumes.size(), 1u);
  EXPECT_EQ(web2->owner->volumes[0].pool, "rcl");

  absl::StatusOr<PassResult> again = Make(two_hosts).PlanPass();
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->plan.converged()) << again->plan.actions.size() << " actions, "
                                       << again->plan.problems.size() << " problems";

  // A third host and a third web node: nothing moves, web-3 goes to h3.
  Reconciler grown = Make(three_hosts);
  absl::StatusOr<PassResult> grown_plan = grown.PlanPass();
  ASSERT_TRUE(grown_plan.ok()) << grown_plan.status();
  EXPECT_THAT(Creates(grown_plan->plan), ElementsAre("lab-web-3@h3"));
  EXPECT_EQ(grown_plan->plan.actions.size(), 1u);
  ASSERT_TRUE(ApplyUntilConverged(grown, 3, clock_).converged);
  EXPECT_THAT(Domains(0), ElementsAre("lab-db-1", "lab-web-1"));
  EXPECT_THAT(Domains(1), ElementsAre("lab-web-2"));
  EXPECT_THAT(Domains(2), ElementsAre("lab-web-3"));
}

// This test verifies, on the libvirt test driver, that rolling the web group
// to a base image that is in no pool (a mistyped path, and no disk size to
// create an overlay of unknown size with) deletes nothing over several apply
// passes: every pass plans no action and names the path as a problem for each
// node, and every domain stays.
TEST_F(HostsTestDriverTest, RolloutToAMissingBaseImageDeletesNothing) {
  HostsSpecFile spec({{"h1", HostFixture("host1.xml")}}, 3);
  Open(spec);
  Reconciler first = Make(spec);
  ASSERT_TRUE(ApplyUntilConverged(first, 3, clock_).converged);
  ASSERT_THAT(Domains(0), ElementsAre("lab-db-1", "lab-web-1", "lab-web-2", "lab-web-3"));

  std::ifstream in(spec.path());
  std::string yaml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string good = "images:\n  base: {disk: /rcl-pool/base.qcow2, seed: false}\n";
  ASSERT_NE(yaml.find(good), std::string::npos);
  yaml.replace(yaml.find(good), good.size(),
               "images:\n  base: {disk: /rcl-pool/base.qcow2, seed: false}\n"
               "  typo: {disk: /rcl-pool/bsae.qcow2, seed: false}\n");
  const std::string web = "image: base, memory: 256MiB, max_unavailable: 2";
  ASSERT_NE(yaml.find(web), std::string::npos);
  yaml.replace(yaml.find(web), web.size(), "image: typo, memory: 256MiB, max_unavailable: 2");
  std::ofstream(spec.path()) << yaml;

  Reconciler rolled = Make(spec);
  for (int pass = 0; pass < 5; ++pass) {
    absl::StatusOr<PassResult> result = rolled.ApplyPass();
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_TRUE(result->plan.actions.empty()) << "pass " << pass;
    ASSERT_EQ(result->plan.problems.size(), 3u) << "pass " << pass;
    EXPECT_THAT(result->plan.problems[0].message,
                AllOf(HasSubstr("not replaced"), HasSubstr("/rcl-pool/bsae.qcow2")));
  }
  EXPECT_THAT(Domains(0), ElementsAre("lab-db-1", "lab-web-1", "lab-web-2", "lab-web-3"));
}

TEST_F(HostsTestDriverTest, AHostThatIsDownMakesUnseenNodesUnknownAndCreatesNothing) {
  HostsSpecFile spec({{"h1", HostFixture("host1.xml")},
                      {"h2", HostFixture("host2.xml")},
                      {"h3", testing::DeadHost()}}, 2);
  Open(spec);  // h3 gets a driver that keeps trying to connect
  Reconciler reconciler = Make(spec);
  absl::StatusOr<PassResult> pass = reconciler.ApplyPass();
  ASSERT_TRUE(pass.ok()) << pass.status();
  EXPECT_THAT(pass->plan.actions, IsEmpty());
  ASSERT_EQ(pass->plan.problems.size(), 1u);
  EXPECT_EQ(pass->plan.problems[0].host, "h3");
  EXPECT_THAT(pass->plan.problems[0].message,
              HasSubstr("host h3 unreachable: 3 nodes unknown (lab-web-1, lab-web-2, lab-db-1)"));
  EXPECT_THAT(Domains(0), IsEmpty());
  EXPECT_THAT(Domains(1), IsEmpty());
}

TEST_F(HostsTestDriverTest, ExhaustedCapacityNamesEachHostAndResource) {
  HostsSpecFile spec({{"h1", HostFixture("host1.xml"), "{domains: 1}"},
                      {"h2", HostFixture("host2.xml"), "{memory: 256MiB}"}}, 2);
  Open(spec);
  Reconciler reconciler = Make(spec);
  absl::StatusOr<PassResult> pass = reconciler.ApplyPass();
  ASSERT_TRUE(pass.ok()) << pass.status();
  EXPECT_THAT(Creates(pass->plan), ElementsAre("lab-web-1@h1", "lab-web-2@h2"));
  ASSERT_EQ(pass->plan.problems.size(), 1u);
  EXPECT_EQ(pass->plan.problems[0].node, "lab-db-1");
  EXPECT_THAT(pass->plan.problems[0].message,
              AllOf(HasSubstr("h1: domains 1 of 1 in use"),
                    HasSubstr("h2: memory 256 of 256 MiB in use, needs 256 MiB")));
  EXPECT_THAT(Domains(0), ElementsAre("lab-web-1"));
  EXPECT_THAT(Domains(1), ElementsAre("lab-web-2"));
}

}  // namespace
}  // namespace reconcile
