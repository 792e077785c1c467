// This test verifies that valid specs decode into the values they describe
// (units, durations, defaults, existing hosts, vars, files, outputs), that the
// example specs in specs/ validate, and that files are read at the I/O edge.
#include "model/loader.h"

#include <filesystem>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace reconcile::model {
namespace {

using ::reconcile::testing::IsOk;
using ::reconcile::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kFullSpec[] = R"(cluster: demo
hypervisor: {uri: "test:///default", network: net0, pool: pool0}
ssh: {user: admin, identity: /root/.ssh/id, port: 2222, connect_timeout: 1m30s,
      accept_unknown_host_keys: true, netns: lab, state_dir: /home/admin/.reconcile}
images:
  base: {disk: /img/base.qcow2}
  tiny: {kernel: /img/vmlinux, initrd: /img/initrd, cmdline: console=ttyS0, seed: false}
groups:
  web: {count: 3, image: base, cpus: 4, memory: 2GiB, disk: 20G, roles: [app, db],
        vars: {port: "8080"}, max_unavailable: 2}
  old: {hosts: [10.0.0.9, db.example.internal], roles: [db]}
vars:
  region: eu
  token: {value: s3cret, secret: true}
roles:
  app:
    after: [db]
    steps:
      - name: config
        files:
          - {path: /etc/app.conf, content: "db={{ role.db.outputs.url }}", mode: "0640", owner: "app:app"}
        run: systemctl restart app
    outputs:
      version: app --version
  db:
    steps: [{name: install, check: test -x /usr/bin/db, run: "apt-get install -y db"}]
    outputs:
      url: {command: cat /etc/db.url, secret: true}
policy: {prune: true, parallel: 2, probe_parallel: 300, retries: 0, interval: 30s}
)";

TEST(LoaderTest, DecodesEveryField) {
  Diagnostics diagnostics;
  absl::StatusOr<Spec> spec = ParseSpec(kFullSpec, "full.yaml", diagnostics);
  ASSERT_THAT(spec, IsOk()) << diagnostics.ToString();
  EXPECT_EQ(spec->cluster, "demo");
  EXPECT_EQ(spec->source_path, "full.yaml");
  EXPECT_EQ(spec->hypervisor.uri, "test:///default");
  EXPECT_EQ(spec->hypervisor.pool, "pool0");
  EXPECT_EQ(spec->ssh.port, 2222);
  EXPECT_EQ(spec->ssh.connect_timeout, absl::Seconds(90));
  EXPECT_TRUE(spec->ssh.accept_unknown_host_keys);
  EXPECT_EQ(spec->ssh.netns, "lab");
  EXPECT_EQ(spec->ssh.state_dir, "/home/admin/.reconcile");
  ASSERT_EQ(spec->images.size(), 2u);
  EXPECT_FALSE(spec->images[1].seed);
  EXPECT_EQ(spec->images[1].cmdline, "console=ttyS0");
  const GroupSpec* web = spec->FindGroup("web");
  ASSERT_NE(web, nullptr);
  EXPECT_EQ(web->count, 3);
  EXPECT_EQ(web->cpus, 4);
  EXPECT_EQ(web->memory_bytes, 2ull << 30);
  EXPECT_EQ(web->disk_bytes, 20ull << 30);
  EXPECT_EQ(web->max_unavailable, 2);
  EXPECT_THAT(web->roles, ElementsAre("app", "db"));
  ASSERT_EQ(web->vars.size(), 1u);
  EXPECT_EQ(web->vars[0].value, "8080");
  const GroupSpec* old = spec->FindGroup("old");
  EXPECT_EQ(old->count, 2);
  EXPECT_THAT(old->hosts, ElementsAre("10.0.0.9", "db.example.internal"));
  ASSERT_EQ(spec->vars.size(), 2u);
  EXPECT_TRUE(spec->vars[1].secret);
  const RoleSpec* app = spec->FindRole("app");
  ASSERT_EQ(app->steps.size(), 1u);
  ASSERT_EQ(app->steps[0].files.size(), 1u);
  EXPECT_EQ(app->steps[0].files[0].mode, 0640u);
  EXPECT_EQ(app->steps[0].files[0].owner, "app:app");
  EXPECT_EQ(app->steps[0].location.line, 19);  // the "- name: config" item
  EXPECT_TRUE(spec->FindRole("db")->outputs[0].secret);
  EXPECT_FALSE(app->outputs[0].secret);
  EXPECT_TRUE(spec->policy.prune);
  EXPECT_EQ(spec->policy.parallel, 2);
  EXPECT_EQ(spec->policy.probe_parallel, 300);
  EXPECT_EQ(spec->policy.retries, 0);
  EXPECT_EQ(spec->policy.interval, absl::Seconds(30));
}

TEST(LoaderTest, AppliesDefaults) {
  Diagnostics diagnostics;
  auto spec = ParseSpec("cluster: c\nimages: {i: {disk: /i}}\ngroups: {g: {image: i}}\n", "d.yaml",
                        diagnostics);
  ASSERT_THAT(spec, IsOk()) << diagnostics.ToString();
  EXPECT_EQ(spec->hypervisor.uri, "qemu:///system");
  EXPECT_EQ(spec->ssh.user, "root");
  EXPECT_EQ(spec->ssh.port, 22);
  EXPECT_EQ(spec->groups[0].count, 1);
  EXPECT_EQ(spec->groups[0].cpus, 1);
  EXPECT_EQ(spec->groups[0].memory_bytes, 1ull << 30);
  EXPECT_EQ(spec->policy.interval, absl::Minutes(5));
  EXPECT_EQ(spec->policy.parallel, 8);
  EXPECT_EQ(spec->policy.probe_parallel, 64);
}

// This test verifies that a secret variable's value can come from a file
// beside the spec or from the environment, so a committed spec holds none:
// the value is read at load, the variable is secret, and a trailing newline
// of the file is dropped; group vars can do the same.
TEST(LoaderTest, SecretsFromAFileOrTheEnvironment) {
  setenv("RECONCILE_TEST_API_KEY", "k-7f3a", 1);
  auto read = [](const std::string& path) -> absl::StatusOr<std::string> {
    if (path == "secrets/token") return std::string("tok-3f9a1c\n");
    return absl::NotFoundError("cannot read '" + path + "'");
  };
  Diagnostics diagnostics;
  auto spec = ParseSpec(
      "cluster: c\nimages: {i: {disk: /i}}\n"
      "vars:\n  token: {secret: {file: secrets/token}}\n"
      "groups: {g: {image: i, vars: {key: {secret: {env: RECONCILE_TEST_API_KEY}}}}}\n",
      "s.yaml", diagnostics, read);
  unsetenv("RECONCILE_TEST_API_KEY");
  ASSERT_THAT(spec, IsOk()) << diagnostics.ToString();
  EXPECT_EQ(spec->vars[0].value, "tok-3f9a1c");
  EXPECT_TRUE(spec->vars[0].secret);
  EXPECT_EQ(spec->groups[0].vars[0].value, "k-7f3a");
  EXPECT_TRUE(spec->groups[0].vars[0].secret);
}

// This test verifies that an unreadable secret file, an unset variable and a
// secret with a value as well are located errors that show no value.
TEST(LoaderTest, SecretSourcesThatCannotBeReadAreLocatedErrors) {
  auto read = [](const std::string& path) -> absl::StatusOr<std::string> {
    return absl::NotFoundError("cannot read '" + path + "': No such file or directory");
  };
  Diagnostics diagnostics;
  auto spec = ParseSpec(
      "cluster: c\nimages: {i: {disk: /i}}\ngroups: {g: {image: i}}\nvars:\n"
      "  a: {secret: {file: nope}}\n"
      "  b: {secret: {env: RECONCILE_TEST_UNSET_VAR}}\n"
      "  c: {value: hunter2, secret: {env: X}}\n"
      "  d: {secret: {file: x, env: Y}}\n",
      "e.yaml", diagnostics, read);
  ASSERT_FALSE(spec.ok());
  const std::string message(spec.status().message());
  EXPECT_THAT(message, HasSubstr("e.yaml:5:15: secret of variable 'a': cannot read 'nope'"));
  EXPECT_THAT(message, HasSubstr("e.yaml:6:15: secret of variable 'b': environment variable "
                                 "RECONCILE_TEST_UNSET_VAR is not set"));
  EXPECT_THAT(message, HasSubstr("e.yaml:7:14: variable 'c' has its value from its secret's env"));
  EXPECT_THAT(message, HasSubstr("exactly one of 'file' or 'env'"));
  EXPECT_THAT(message, ::testing::Not(HasSubstr("hunter2")));
}

TEST(LoaderTest, ReportsAllProblemsInOneStatus) {
  Diagnostics diagnostics;
  auto spec = ParseSpec("cluster: c\ngroups:\n  a: {image: x, cpus: 0}\n  b: {image: y}\n",
                        "m.yaml", diagnostics);
  EXPECT_THAT(spec, StatusIs(absl::StatusCode::kInvalidArgument,
                             HasSubstr("m.yaml:3:14: unknown image 'x'")));
  EXPECT_THAT(std::string(spec.status().message()),
              HasSubstr("m.yaml:3:23: 'cpus' must be between 1 and 256"));
  EXPECT_THAT(std::string(spec.status().message()), HasSubstr("m.yaml:4:14: unknown image 'y'"));
  EXPECT_EQ(diagnostics.size(), 3u);
}

TEST(LoaderTest, ExampleSpecsValidate) {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator("specs")) {
    if (entry.path().extension() != ".yaml") continue;
    ++count;
    Diagnostics diagnostics;
    EXPECT_THAT(LoadSpec(entry.path().string(), diagnostics), IsOk())
        << entry.path() << "\n" << diagnostics.ToString();
  }
  EXPECT_GE(count, 3);
}

TEST(LoaderTest, UnreadableFileIsOneLocatedDiagnostic) {
  Diagnostics diagnostics;
  EXPECT_THAT(LoadSpec("/nonexistent/spec.yaml", diagnostics),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("/nonexistent/spec.yaml:1:1: cannot read file")));
}

}  // namespace
}  // namespace reconcile::model
