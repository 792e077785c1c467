// Fixture for suites on libvirt's in-process test driver: every test gets a
// fresh world from fixtures/cluster.xml (the test driver keeps state per
// connection) and a Hypervisor for cluster "lab" on that same connection, so
// the test can inspect volumes and domains behind the driver's back.
#pragma once

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <unistd.h>

#include <climits>
#include <memory>
#include <string>

#include "drivers/libvirt/handles.h"
#include "drivers/libvirt/libvirt_hypervisor.h"
#include "gtest/gtest.h"
#include "tests/testing/simulated_clock.h"
#include "tests/testing/status_matchers.h"

namespace reconcile::drivers::libvirt {

// A node of cluster "lab" for fixtures/cluster.xml's world: an overlay of
// rcl/base.qcow2 on network "lab", kernel booted.
inline NodeRequest TestDriverRequest(const std::string& group, int index, bool seed = false) {
  NodeRequest r;
  r.cluster = "lab";
  r.node.name = "lab-" + group + "-" + std::to_string(index);
  r.node.group = group;
  r.node.index = index;
  r.node.cpus = 1;
  r.node.memory_bytes = uint64_t{256} << 20;
  r.node.disk_bytes = uint64_t{128} << 20;
  r.node.image.name = "tiny";
  r.node.image.disk = "/rcl-pool/base.qcow2";
  r.node.image.kernel = "/images/vmlinux";
  r.node.image.seed = seed;
  r.node.hardware_hash = "hash-1";
  r.hypervisor.uri = "test:///unused";
  r.hypervisor.network = "lab";
  r.hypervisor.pool = "rcl";
  r.authorized_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOperator op@test";
  return r;
}

class TestDriverFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    char cwd[PATH_MAX];
    ASSERT_NE(getcwd(cwd, sizeof cwd), nullptr);
    const std::string uri =
        std::string("test://") + cwd + "/tests/drivers/libvirt/fixtures/cluster.xml";
    connection_ = std::make_shared<Connection>(uri);
    LibvirtOptions options;
    options.cluster = "lab";
    // Advances only when the driver sleeps: waits cost no wall time.
    options.clock = std::make_shared<::reconcile::testing::SimulatedClock>();
    options.before_create_step = [this](std::string_view step) -> absl::Status {
      if (step == fail_at_) return absl::UnavailableError("injected failure at " + fail_at_);
      return absl::OkStatus();
    };
    auto hypervisor = MakeLibvirtHypervisorOn(options, connection_);
    ASSERT_TRUE(hypervisor.ok()) << hypervisor.status();
    hypervisor_ = *std::move(hypervisor);
  }

  // The Connection keeps its own reference, so the pointer outlives the handle.
  virConnectPtr Conn() { return connection_->Get()->get(); }

  // A node of cluster "lab" on an overlay of rcl/base.qcow2, kernel booted.
  NodeRequest Request(const std::string& group, int index, bool seed = false) {
    return TestDriverRequest(group, index, seed);
  }
  bool DomainExists(const std::string& name) {
    DomainHandle d(virDomainLookupByName(Conn(), name.c_str()));
    virResetLastError();
    return d != nullptr;
  }
  bool VolumeExists(const std::string& name) {
    PoolHandle pool(virStoragePoolLookupByName(Conn(), "rcl"));
    VolumeHandle v(pool ? virStorageVolLookupByName(pool.get(), name.c_str()) : nullptr);
    virResetLastError();
    return v != nullptr;
  }
  void PlantVolume(const std::string& name) {
    PoolHandle pool(virStoragePoolLookupByName(Conn(), "rcl"));
    ASSERT_TRUE(pool);
    const std::string xml = "<volume><name>" + name +
                            "</name><capacity unit='MiB'>1</capacity></volume>";
    VolumeHandle v(virStorageVolCreateXML(pool.get(), xml.c_str(), 0));
    ASSERT_TRUE(v) << virGetLastErrorMessage();
  }
  int VolumeCount() {
    PoolHandle pool(virStoragePoolLookupByName(Conn(), "rcl"));
    return pool ? virStoragePoolNumOfVolumes(pool.get()) : -1;
  }

  std::shared_ptr<Connection> connection_;
  std::unique_ptr<Hypervisor> hypervisor_;
  std::string fail_at_;  // creation step to fail, "" for none
};

}  // namespace reconcile::drivers::libvirt
