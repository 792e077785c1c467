// libFuzzer target for templating (model/template.h), two properties:
//  1. Injection: hostile values (vars, role outputs, node names, addresses:
//     any bytes but NUL) substituted into fixed command templates always come
//     back as exactly the intended shell words, with nothing active outside
//     quotes (checked by the pure splitter in shell_words.h), whatever they
//     contain: quotes, $(...), backticks, newlines, ; | & and so on.
//  2. Robustness: any template text parses or yields an error with an offset
//     inside the text, and whatever parses renders (shell-quoted or not)
//     without a crash, sanitizer report or exception.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "fuzz/shell_words.h"
#include "model/template.h"

namespace {

using namespace reconcile::model;
using reconcile::fuzz::SplitShellWords;

void Check(bool ok) {
  if (!ok) std::abort();
}

std::string Value(FuzzedDataProvider& in) {
  std::string v = in.ConsumeRandomLengthString(48);
  for (char& c : v) {
    if (c == '\0') c = ' ';  // a spec (YAML) or an output cannot carry NUL into a command
  }
  return v;
}

std::string MustRender(const std::string& text, const RenderContext& context, Quoting quoting) {
  Template tmpl;
  Check(!ParseTemplate(text, tmpl).has_value());
  absl::StatusOr<std::string> out = Render(tmpl, context, quoting);
  Check(out.ok());
  return *out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  RenderContext context;
  context.self_name = Value(in);
  context.self_ip = Value(in);
  context.vars["x"] = Value(in);
  context.vars["y"] = Value(in);
  context.role_outputs["db"]["url"] = Value(in);
  std::vector<std::string> nodes;
  for (int i = in.ConsumeIntegralInRange(0, 4); i > 0; --i) nodes.push_back(Value(in));
  context.group_nodes["web"] = nodes;
  context.groups["web"] = {static_cast<int>(nodes.size()), 1, 512};

  // 1. Every value stays one word (a list: one word per item) and inert.
  const std::string command = MustRender(
      "echo {{ vars.x }} {{vars.y}} {{ role.db.outputs.url }} {{ self.name }} {{ self.ip }}",
      context, Quoting::kShell);
  auto words = SplitShellWords(command);
  Check(words.has_value() && !words->active_unquoted);
  const std::vector<std::string> expected{"echo", context.vars["x"], context.vars["y"],
                                          context.role_outputs["db"]["url"], context.self_name,
                                          *context.self_ip};
  Check(words->words == expected);
  const std::string loop = MustRender("for n in {{ group.web.nodes }}", context, Quoting::kShell);
  words = SplitShellWords(loop);
  Check(words.has_value() && !words->active_unquoted);
  std::vector<std::string> loop_expected{"for", "n", "in"};
  loop_expected.insert(loop_expected.end(), nodes.begin(), nodes.end());
  Check(words->words == loop_expected);
  const std::string glued = MustRender("x={{ vars.x }}-{{ vars.y }}", context, Quoting::kShell);
  words = SplitShellWords(glued);
  Check(words.has_value() && !words->active_unquoted);
  Check(words->words == std::vector<std::string>{"x=" + context.vars["x"] + "-" + context.vars["y"]});

  // 2. Arbitrary template text.
  const std::string text = in.ConsumeRemainingBytesAsString();
  Template tmpl;
  if (std::optional<TemplateError> error = ParseTemplate(text, tmpl)) {
    Check(error->offset <= text.size() && !error->message.empty());
    return 0;
  }
  for (const TemplateRef& ref : tmpl.Refs()) Check(ref.offset + 2 <= text.size());
  (void)Render(tmpl, context, Quoting::kShell);
  (void)Render(tmpl, context, Quoting::kNone, Missing::kKeepReference);
  return 0;
}
