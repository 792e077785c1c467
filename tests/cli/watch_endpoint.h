// The HTTP side of a `reconcile watch --listen 127.0.0.1:0` that a test
// started: the port it logged, a GET, and polling /status.json's revision.
#pragma once

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <regex>
#include <string>
#include <thread>

#include "httplib.h"
#include "nlohmann/json.hpp"

namespace reconcile::testing {

// The port of the watch's "serving ... on 127.0.0.1:PORT" line in `log`;
// 0 when it has not appeared within `seconds`.
inline int ListenPortFromLog(const std::filesystem::path& log, int seconds = 30) {
  const std::regex serving("serving .* on 127\\.0\\.0\\.1:([0-9]+)");
  for (int i = 0; i < seconds * 10; ++i) {
    std::ifstream in(log);
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (std::smatch match; std::regex_search(text, match, serving)) return std::stoi(match[1]);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return 0;
}

// The body of GET `path`, or "" unless the answer is 200.
inline std::string GetFromWatch(int port, const std::string& path) {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(5);
  httplib::Result result = client.Get(path);
  return result && result->status == 200 ? result->body : "";
}

// /status.json's `revision` (null when there is none yet).
inline nlohmann::json WatchRevision(int port) {
  const nlohmann::json status = nlohmann::json::parse(GetFromWatch(port, "/status.json"), nullptr, false);
  return status.is_object() && status.contains("revision") ? status["revision"] : nlohmann::json();
}

// Polls the revision until `done` holds for it; false after `seconds`.
inline bool WaitForRevision(int port, const std::function<bool(const nlohmann::json&)>& done,
                            int seconds) {
  for (int i = 0; i < seconds * 10; ++i) {
    const nlohmann::json revision = WatchRevision(port);
    if (revision.is_object() && done(revision)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

}  // namespace reconcile::testing
