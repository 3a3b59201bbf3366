// A loopback HTTP service for the tests of wfm's requests: each request target ("/jobs?limit=5")
// gets a fixed answer, written byte for byte, then the connection is closed.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "cli/service_client.h"

namespace wfm::cli {

// An HTTP/1.1 answer that closes the connection, with `headers` ("Name: value\r\n" lines) after
// its Content-Type; with `with_length`, a Content-Length, else the body ends with the connection.
std::string Answer(int status, const std::string& content_type, const std::string& body,
                   bool with_length = true, const std::string& headers = "");

// Answer() of a JSON body.
std::string JsonAnswer(int status, const nlohmann::json& body, const std::string& headers = "");

class ScriptedService {
 public:
  // Serves `answers` (by request target; any other target gets the service's 404 "no such path")
  // on a free loopback port, one connection at a time, until destroyed.
  explicit ScriptedService(std::map<std::string, std::string> answers);
  ~ScriptedService();

  // Where it listens, as wfm is given it (no token).
  ServiceAddress address() const;
  // The targets asked for so far, in order. Thread-safe.
  std::vector<std::string> targets();

 private:
  void Serve();

  std::map<std::string, std::string> answers_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_ = false;
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::string> targets_;  // guarded by mu_
};

}  // namespace wfm::cli
