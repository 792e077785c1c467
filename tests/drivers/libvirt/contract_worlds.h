// The two worlds every Hypervisor contract suite runs against: the libvirt
// driver on libvirt's test driver (fixtures/cluster.xml) and the
// FakeHypervisor, holding the same things: network "lab" (10.77.0.0/24),
// pool "rcl" with 99 GiB free, an unmanaged domain lab-web-1 and a domain
// other-db-1 of cluster "other". The driver acts for cluster "lab".
#pragma once

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <unistd.h>

#include <climits>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "drivers/libvirt/connection.h"
#include "drivers/libvirt/handles.h"
#include "drivers/libvirt/libvirt_hypervisor.h"
#include "gtest/gtest.h"
#include "tests/testing/fake_hypervisor.h"
#include "tests/testing/simulated_clock.h"

namespace reconcile::drivers {

// One implementation, and how to pause a domain behind its back.
struct World {
  std::unique_ptr<Hypervisor> hypervisor;
  std::function<void(const std::string&)> pause;
  // The capacity of volume `name` in pool "rcl", or nullopt when it is absent.
  std::function<std::optional<uint64_t>(const std::string&)> volume;
  // Stops network `name` behind the tool's back.
  std::function<void(const std::string&)> stop_network;
  std::shared_ptr<libvirt::Connection> connection;  // the driver's, kept alive
};

inline World LibvirtWorld() {
  char cwd[PATH_MAX];
  EXPECT_NE(getcwd(cwd, sizeof cwd), nullptr);
  World world;
  world.connection = std::make_shared<libvirt::Connection>(
      std::string("test://") + cwd + "/tests/drivers/libvirt/fixtures/cluster.xml");
  libvirt::LibvirtOptions options;
  options.cluster = "lab";
  options.clock = std::make_shared<::reconcile::testing::SimulatedClock>();
  auto made = libvirt::MakeLibvirtHypervisorOn(options, world.connection);
  EXPECT_TRUE(made.ok()) << made.status();
  if (made.ok()) world.hypervisor = *std::move(made);
  auto connection = world.connection;
  world.pause = [connection](const std::string& name) {
    absl::StatusOr<libvirt::ConnectionHandle> conn = connection->Get();
    ASSERT_TRUE(conn.ok());
    libvirt::DomainHandle domain(virDomainLookupByName(conn->get(), name.c_str()));
    ASSERT_EQ(virDomainSuspend(domain.get()), 0);
  };
  world.stop_network = [connection](const std::string& name) {
    absl::StatusOr<libvirt::ConnectionHandle> conn = connection->Get();
    ASSERT_TRUE(conn.ok());
    libvirt::NetworkHandle network(virNetworkLookupByName(conn->get(), name.c_str()));
    ASSERT_TRUE(network);
    ASSERT_EQ(virNetworkDestroy(network.get()), 0);
  };
  world.volume = [connection](const std::string& name) -> std::optional<uint64_t> {
    absl::StatusOr<libvirt::ConnectionHandle> conn = connection->Get();
    if (!conn.ok()) return std::nullopt;
    libvirt::PoolHandle pool(virStoragePoolLookupByName(conn->get(), "rcl"));
    libvirt::VolumeHandle vol(pool ? virStorageVolLookupByName(pool.get(), name.c_str()) : nullptr);
    virStorageVolInfo info;
    const bool found = vol && virStorageVolGetInfo(vol.get(), &info) == 0;
    virResetLastError();
    if (!found) return std::nullopt;
    return info.capacity;
  };
  return world;
}

inline World FakeWorld() {
  auto fake = std::make_unique<::reconcile::testing::FakeHypervisor>("lab");
  fake->SetWorld({"rcl"}, {"lab"});
  fake->AddForeignNetwork("lab", "10.77.0.0/24");
  fake->AddUnmanaged("lab-web-1", model::DomainState::kRunning);
  fake->AddForeign("other-db-1", "other");
  fake->SetPoolFree("rcl", uint64_t{99} << 30);
  World world;
  auto* raw = fake.get();
  world.pause = [raw](const std::string& name) { raw->SetState(name, model::DomainState::kPaused); };
  world.stop_network = [raw](const std::string& name) { raw->SetNetworkActive(name, false); };
  world.volume = [raw](const std::string& name) -> std::optional<uint64_t> {
    auto volumes = raw->volumes();
    auto it = volumes.find("rcl/" + name);
    if (it == volumes.end()) return std::nullopt;
    return it->second;
  };
  world.hypervisor = std::move(fake);
  return world;
}

struct Implementation {
  std::string name;
  std::function<World()> make;
};
inline void PrintTo(const Implementation& implementation, std::ostream* out) {
  *out << implementation.name;
}

}  // namespace reconcile::drivers
