// This test verifies that the located YAML tree records 1-based positions,
// reports duplicate keys, applies merge keys, and bounds aliases, depth and
// size with a located diagnostic instead of exhausting memory or stack.
#include "model/yaml_tree.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace reconcile::model {
namespace {

using ::testing::HasSubstr;

std::string Messages(const Diagnostics& d) { return d.ToString(); }

TEST(YamlTreeTest, RecordsPositionsOfKeysAndValues) {
  Diagnostics diagnostics;
  auto root = ParseYaml("a: 1\nb:\n  - x\n  - {c: 'q'}\n", "t.yaml", diagnostics);
  ASSERT_NE(root, nullptr) << Messages(diagnostics);
  ASSERT_EQ(root->kind, YamlNode::Kind::kMap);
  const YamlNode* b = root->Find("b");
  ASSERT_NE(b, nullptr);
  ASSERT_EQ(b->items.size(), 2u);
  EXPECT_EQ(b->items[0].line, 3);
  EXPECT_EQ(b->items[0].column, 5);
  const YamlNode* c = b->items[1].Find("c");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->value, "q");
  EXPECT_TRUE(c->quoted);
  EXPECT_EQ(c->line, 4);
  EXPECT_EQ(c->column, 9);
  EXPECT_FALSE(root->Find("a")->quoted);
  EXPECT_TRUE(diagnostics.empty());
}

TEST(YamlTreeTest, PlainNullSpellingsBecomeNullButQuotedOnesStayStrings) {
  Diagnostics diagnostics;
  auto root = ParseYaml("a: ~\nb: null\nc: 'null'\nd:\n", "t.yaml", diagnostics);
  ASSERT_NE(root, nullptr);
  EXPECT_EQ(root->Find("a")->kind, YamlNode::Kind::kNull);
  EXPECT_EQ(root->Find("b")->kind, YamlNode::Kind::kNull);
  EXPECT_EQ(root->Find("c")->kind, YamlNode::Kind::kScalar);
  EXPECT_EQ(root->Find("d")->kind, YamlNode::Kind::kNull);
}

TEST(YamlTreeTest, ReportsEveryDuplicateKeyAndKeepsTheFirst) {
  Diagnostics diagnostics;
  auto root = ParseYaml("a: 1\nb: 2\na: 3\nb: 4\n", "t.yaml", diagnostics);
  ASSERT_NE(root, nullptr);
  EXPECT_EQ(root->Find("a")->value, "1");
  ASSERT_EQ(diagnostics.size(), 2u);
  EXPECT_EQ(diagnostics.items()[0].ToString(), "t.yaml:3:1: duplicate key 'a' (first defined at 1:1)");
  EXPECT_EQ(diagnostics.items()[1].ToString(), "t.yaml:4:1: duplicate key 'b' (first defined at 2:1)");
}

TEST(YamlTreeTest, MergeKeysCopyEntriesThatAreNotSetExplicitly) {
  Diagnostics diagnostics;
  auto root = ParseYaml("base: &b {cpus: 2, memory: 1GiB}\nweb: {<<: *b, cpus: 4}\n", "t.yaml",
                        diagnostics);
  ASSERT_NE(root, nullptr) << Messages(diagnostics);
  const YamlNode* web = root->Find("web");
  EXPECT_EQ(web->Find("cpus")->value, "4");
  EXPECT_EQ(web->Find("memory")->value, "1GiB");
  EXPECT_EQ(web->Find("<<"), nullptr);
  EXPECT_TRUE(diagnostics.empty());
}

TEST(YamlTreeTest, AliasBombEndsWithALocatedError) {
  std::string text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  std::string previous = "a";
  for (char name = 'b'; name <= 'j'; ++name) {
    text += std::string(1, name) + ": &" + name + " [";
    for (int i = 0; i < 10; ++i) text += (i ? ", *" : "*") + previous;
    text += "]\n";
    previous = std::string(1, name);
  }
  Diagnostics diagnostics;
  EXPECT_EQ(ParseYaml(text, "bomb.yaml", diagnostics), nullptr);
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_THAT(diagnostics.items()[0].message, HasSubstr("alias bomb"));
  EXPECT_GT(diagnostics.items()[0].location.line, 1);
}

TEST(YamlTreeTest, DeepNestingIsRejectedBeforeTheParserRecursesFar) {
  for (const std::string open : {"[", "{a: ", "- "}) {
    std::string text;
    for (int i = 0; i < 100000; ++i) text += open;
    Diagnostics diagnostics;
    EXPECT_EQ(ParseYaml(text, "deep.yaml", diagnostics), nullptr) << open;
    ASSERT_FALSE(diagnostics.empty()) << open;
  }
}

TEST(YamlTreeTest, OversizedInputIsRejectedUpFront) {
  Diagnostics diagnostics;
  YamlLimits limits;
  limits.max_bytes = 16;
  EXPECT_EQ(ParseYaml("a: 0123456789012345\n", "big.yaml", diagnostics, limits), nullptr);
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_THAT(diagnostics.items()[0].ToString(), HasSubstr("big.yaml:1:1: file is 20 bytes"));
}

TEST(YamlTreeTest, InvalidUtf8IsLocated) {
  Diagnostics diagnostics;
  EXPECT_EQ(ParseYaml("a: ok\nb: \xff\n", "t.yaml", diagnostics), nullptr);
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_EQ(diagnostics.items()[0].ToString(),
            "t.yaml:2:4: invalid UTF-8 (byte 0xFF); a spec must be UTF-8 text");
}

TEST(YamlTreeTest, OverlongAndSurrogateEncodingsAreNotUtf8) {
  for (std::string bad : {"\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82"}) {
    Diagnostics diagnostics;
    EXPECT_EQ(ParseYaml("a: " + bad + "\n", "t.yaml", diagnostics), nullptr);
    EXPECT_EQ(diagnostics.size(), 1u);
  }
  Diagnostics diagnostics;
  EXPECT_NE(ParseYaml("a: h\xc3\xa9llo \xf0\x9f\x98\x80\n", "t.yaml", diagnostics), nullptr);
}

TEST(YamlTreeTest, SyntaxErrorsBecomeLocatedDiagnostics) {
  Diagnostics diagnostics;
  EXPECT_EQ(ParseYaml("a: [1, 2\nb: 3\n", "t.yaml", diagnostics), nullptr);
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_THAT(diagnostics.items()[0].message, HasSubstr("YAML syntax error"));
  EXPECT_GE(diagnostics.items()[0].location.line, 1);
}

}  // namespace
}  // namespace reconcile::model
