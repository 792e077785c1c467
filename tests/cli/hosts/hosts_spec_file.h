// A spec file over several libvirt test-driver hosts (fixtures/*.xml), written
// to a temporary directory that is removed again with this object.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace reconcile::testing {

// "test:///<repo>/tests/cli/hosts/fixtures/<file>": one independent endpoint.
inline std::string HostFixture(const std::string& file) {
  return "test://" + std::filesystem::absolute("tests/cli/hosts/fixtures/" + file).string();
}

// A libvirt URI whose daemon socket does not exist: a host that is down.
inline std::string DeadHost() {
  return "qemu+unix:///system?socket=/nonexistent/reconcile-hosts-test.sock";
}

struct HostEntry {
  std::string name;
  std::string uri;
  std::string capacity;  // YAML flow mapping or ""
};

class HostsSpecFile {
 public:
  // Cluster "lab": group web (`web` nodes) and db (1), 256 MiB each, on an
  // overlay of the fixtures' rcl/base.qcow2, no seed.
  HostsSpecFile(const std::vector<HostEntry>& hosts, int web) {
    dir_ = std::filesystem::temp_directory_path() /
           ("reconcile-hosts-" + std::to_string(::getpid()) + "-" + std::to_string(++counter_));
    std::filesystem::create_directories(dir_);
    std::string yaml = "cluster: lab\nhypervisors:\n";
    for (const HostEntry& host : hosts) {
      yaml += "  - {name: " + host.name + ", uri: \"" + host.uri + "\", network: lab, pool: rcl";
      if (!host.capacity.empty()) yaml += ", capacity: " + host.capacity;
      yaml += "}\n";
    }
    yaml += "images:\n  base: {disk: /rcl-pool/base.qcow2, seed: false}\ngroups:\n";
    // max_unavailable 2: replacing lab-web-1 while lab-web-2 is still missing
    // fits the rolling budget, so the suites see both actions.
    yaml += "  web: {count: " + std::to_string(web) +
            ", image: base, memory: 256MiB, max_unavailable: 2}\n";
    yaml += "  db: {count: 1, image: base, memory: 256MiB}\n";
    std::ofstream(path()) << yaml;
  }
  ~HostsSpecFile() { std::filesystem::remove_all(dir_); }
  HostsSpecFile(const HostsSpecFile&) = delete;
  HostsSpecFile& operator=(const HostsSpecFile&) = delete;

  std::string path() const { return (dir_ / "spec.yaml").string(); }

 private:
  static inline int counter_ = 0;
  std::filesystem::path dir_;
};

}  // namespace reconcile::testing
