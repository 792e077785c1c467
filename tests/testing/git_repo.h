// A real git repository made by a test: a bare "origin" (what reconcile
// fetches, as it would a server) and a clone the test commits and pushes
// from, with the git command line (the product itself reads with libgit2).
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace reconcile::testing {

class ScratchRepo {
 public:
  explicit ScratchRepo(const std::filesystem::path& dir)
      : origin_(dir / "origin.git"), work_(dir / "work") {
    std::filesystem::create_directories(dir);
    ok_ = Run("git init -q --bare -b main " + origin_.string()) &&
          Run("git init -q -b main " + work_.string()) &&
          Git("remote add origin " + origin_.string());
  }
  bool ok() const { return ok_; }
  const std::filesystem::path& origin() const { return origin_; }
  const std::filesystem::path& work() const { return work_; }

  void Write(const std::string& path, const std::string& text) const {
    std::filesystem::create_directories((work_ / path).parent_path());
    std::ofstream(work_ / path) << text;
  }
  std::string Read(const std::string& path) const {
    std::ifstream in(work_ / path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  // Commits everything in the clone; the new commit's id ("" on failure).
  std::string Commit(const std::string& message) const {
    if (!Git("add -A") || !Git("-c user.name=test -c user.email=test@localhost commit -q -m '" +
                               message + "'")) {
      return "";
    }
    return Head();
  }
  std::string Revert(const std::string& commit) const {
    if (!Git("-c user.name=test -c user.email=test@localhost revert --no-edit " + commit)) return "";
    return Head();
  }
  bool ResetHard(const std::string& commit) const { return Git("reset -q --hard " + commit); }
  bool Push() const { return Git("push -q origin main"); }
  bool ForcePush() const { return Git("push -q -f origin main"); }
  // As a server admin would: git refuses to delete the current branch by push.
  bool DeleteBranchOnOrigin() const {
    return Run("git --git-dir=" + origin_.string() + " update-ref -d refs/heads/main");
  }
  std::string Head() const { return Output("git -C " + work_.string() + " rev-parse HEAD"); }

  bool Git(const std::string& args) const { return Run("git -C " + work_.string() + " " + args); }

 private:
  static bool Run(const std::string& command) {
    const int rc = std::system((command + " >/dev/null 2>&1").c_str());
    return WIFEXITED(rc) && WEXITSTATUS(rc) == 0;
  }
  static std::string Output(const std::string& command) {
    std::string out;
    if (FILE* pipe = popen(command.c_str(), "r")) {
      std::array<char, 128> buffer;
      while (fgets(buffer.data(), buffer.size(), pipe)) out += buffer.data();
      pclose(pipe);
    }
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
  }

  std::filesystem::path origin_;
  std::filesystem::path work_;
  bool ok_ = false;
};

}  // namespace reconcile::testing
