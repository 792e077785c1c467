// This test verifies template parsing and pure rendering, above all that
// hostile values substituted into commands stay one inert shell word.
#include "model/template.h"

#include <sys/wait.h>

#include <cstdio>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace reconcile::model {
namespace {

using ::reconcile::testing::IsOkAndHolds;
using ::reconcile::testing::StatusIs;
using ::testing::HasSubstr;

Template Parse(std::string_view text) {
  Template tmpl;
  auto error = ParseTemplate(text, tmpl);
  EXPECT_FALSE(error.has_value()) << text << ": " << (error ? error->message : "");
  return tmpl;
}

RenderContext Context() {
  RenderContext c;
  c.self_name = "lab-web-2";
  c.self_group = "web";
  c.self_index = 2;
  c.self_ip = "10.0.0.12";
  c.group_nodes["web"] = {"lab-web-1", "lab-web-2"};
  c.group_ips["web"] = {"10.0.0.11", "10.0.0.12"};
  c.role_outputs["cp"]["join"] = "kubeadm join 10.0.0.2:6443 --token abc";
  c.vars["region"] = "eu west";
  return c;
}

TEST(TemplateTest, ParsesEveryReferenceKind) {
  Template t = Parse(
      "{{ self.name }}{{self.ip}}{{ self.index }}{{ self.group }}{{ group.web.nodes }}"
      "{{ group.web.ips }}{{ role.k8s-cp.outputs.join | raw }}{{ vars.region }}");
  auto refs = t.Refs();
  ASSERT_EQ(refs.size(), 8u);
  EXPECT_EQ(refs[6].kind, TemplateRef::Kind::kRoleOutput);
  EXPECT_EQ(refs[6].target, "k8s-cp");
  EXPECT_EQ(refs[6].key, "join");
  EXPECT_TRUE(refs[6].raw);
  EXPECT_EQ(refs[1].offset, 15u);
  EXPECT_TRUE(refs[1].IsRuntime());
  EXPECT_FALSE(refs[0].IsRuntime());
}

TEST(TemplateTest, ParseErrorsCarryTheirOffset) {
  Template t;
  auto error = ParseTemplate("echo {{ self.nmae }}", t);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->offset, 5u);
  EXPECT_THAT(error->message, HasSubstr("unknown reference 'self.nmae'"));
  EXPECT_THAT(ParseTemplate("a {{ self.name", t)->message, HasSubstr("never closed"));
  EXPECT_THAT(ParseTemplate("{{ self.name | upper }}", t)->message, HasSubstr("unknown filter 'upper'"));
  EXPECT_THAT(ParseTemplate("{{ role.x.outputs }}", t)->message, HasSubstr("unknown reference"));
  EXPECT_THAT(ParseTemplate("{{ vars. }}", t)->message, HasSubstr("unknown reference"));
}

TEST(TemplateTest, EscapedBracesAreLiteral) {
  EXPECT_THAT(Render(Parse(R"(docker ps --format '\{{.Names}}')"), Context(), Quoting::kShell),
              IsOkAndHolds("docker ps --format '{{.Names}}'"));
}

TEST(TemplateTest, RendersCommandsWithShellQuoting) {
  EXPECT_THAT(Render(Parse("hostname {{ self.name }} # {{ self.index }}"), Context(), Quoting::kShell),
              IsOkAndHolds("hostname lab-web-2 # 2"));
  EXPECT_THAT(Render(Parse("echo {{ vars.region }}"), Context(), Quoting::kShell),
              IsOkAndHolds("echo 'eu west'"));
  EXPECT_THAT(Render(Parse("for n in {{ group.web.nodes }}; do :; done"), Context(), Quoting::kShell),
              IsOkAndHolds("for n in lab-web-1 lab-web-2; do :; done"));
  EXPECT_THAT(Render(Parse("{{ role.cp.outputs.join | raw }}"), Context(), Quoting::kShell),
              IsOkAndHolds("kubeadm join 10.0.0.2:6443 --token abc"));
}

TEST(TemplateTest, FileContentsAreNotQuoted) {
  EXPECT_THAT(Render(Parse("region={{ vars.region }}\nnodes={{ group.web.ips }}\n"), Context(),
                     Quoting::kNone),
              IsOkAndHolds("region=eu west\nnodes=10.0.0.11 10.0.0.12\n"));
}

TEST(TemplateTest, MissingRuntimeValuesFailOrStayAsReferences) {
  RenderContext c = Context();
  c.self_ip.reset();
  c.role_outputs.clear();
  Template t = Parse("ip={{self.ip}} join={{ role.cp.outputs.join|raw }}");
  EXPECT_THAT(Render(t, c, Quoting::kShell),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("{{ self.ip }}")));
  EXPECT_THAT(Render(t, c, Quoting::kShell, Missing::kKeepReference),
              IsOkAndHolds("ip={{ self.ip }} join={{ role.cp.outputs.join | raw }}"));
}

// Runs `command` with /bin/sh and returns its stdout.
std::string RunShell(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  EXPECT_NE(pipe, nullptr);
  std::string out;
  char buffer[256];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  EXPECT_EQ(WEXITSTATUS(pclose(pipe)), 0) << command;
  return out;
}

TEST(ShellQuoteTest, HostileValuesReachTheCommandAsOneLiteralArgument) {
  const std::vector<std::string> hostile = {
      "'; rm -rf / #", "$(reboot)", "`reboot`", "a\nb; echo pwned", "\\'\"$HOME\"", "*", "--x y",
      "'''", "",
  };
  for (const std::string& value : hostile) {
    RenderContext c;
    c.vars["v"] = value;
    auto command = Render(Parse("printf '%s|%s' {{ vars.v }} end"), c, Quoting::kShell);
    ASSERT_TRUE(command.ok());
    EXPECT_EQ(RunShell(*command), value + "|end") << *command;
  }
}

}  // namespace
}  // namespace reconcile::model
