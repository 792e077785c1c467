// A pure POSIX shell word splitter for the fuzzers' injection checks: splits a
// command line the way sh would before expansion (blanks separate words;
// single quotes, double quotes and backslashes quote) and reports whether any
// character outside quotes could do more than build a word: an operator
// (; & | < > ( ) newline), an expansion ($ `), a comment (#) or a glob
// (* ? [ ~). Unquoted such characters in a rendered value would be an
// injection; in a fixed template they are the template's own.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace reconcile::fuzz {

struct ShellWords {
  std::vector<std::string> words;
  bool active_unquoted = false;  // an operator, expansion, comment or glob
};

// nullopt for a line sh would reject (unterminated quote).
inline std::optional<ShellWords> SplitShellWords(std::string_view line) {
  ShellWords out;
  std::string word;
  bool in_word = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == ' ' || c == '\t') {
      if (in_word) out.words.push_back(word);
      word.clear();
      in_word = false;
    } else if (c == '\'') {
      const size_t end = line.find('\'', i + 1);
      if (end == std::string_view::npos) return std::nullopt;
      word.append(line.substr(i + 1, end - i - 1));
      in_word = true;
      i = end;
    } else if (c == '"') {
      in_word = true;
      for (++i; i < line.size() && line[i] != '"'; ++i) {
        if (line[i] == '$' || line[i] == '`') out.active_unquoted = true;  // expands in "..."
        if (line[i] == '\\' && i + 1 < line.size() &&
            std::string_view("$`\"\\\n").find(line[i + 1]) != std::string_view::npos) {
          ++i;
        }
        word.push_back(line[i]);
      }
      if (i >= line.size()) return std::nullopt;
    } else if (c == '\\') {
      if (i + 1 >= line.size()) return std::nullopt;
      word.push_back(line[++i]);
      in_word = true;
    } else {
      if (std::string_view(";&|<>()\n$`#*?[~").find(c) != std::string_view::npos) {
        out.active_unquoted = true;
      }
      word.push_back(c);
      in_word = true;
    }
  }
  if (in_word) out.words.push_back(word);
  return out;
}

}  // namespace reconcile::fuzz
