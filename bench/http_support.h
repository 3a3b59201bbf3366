// What the benchmarks that go through HTTP share: a keep-alive client (v1 JSON and the Step
// Functions JSON 1.0 protocol), the service binary started as a child process on a free loopback
// port, percentiles.
#pragma once

#include <curl/curl.h>
#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace bench {

// One keep-alive HTTP connection (a libcurl easy handle) of one client thread.
class Client {
 public:
  explicit Client(std::string base);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  // Sends the request (a JSON body); returns the HTTP status (0 when the request failed) and sets
  // body().
  long Call(const std::string& method, const std::string& path, const std::string& payload = "");
  // Calls Step Functions operation `operation` (e.g. "StartExecution") with `payload`; as Call.
  long Sfn(const std::string& operation, const std::string& payload);
  const std::string& body() const { return body_; }

 private:
  long Perform(const std::string& method, const std::string& path, const std::string& payload,
               curl_slist* headers);
  static size_t Append(char* data, size_t size, size_t count, void* out);
  std::string base_;
  CURL* curl_;
  curl_slist* json_headers_ = nullptr;
  std::string body_;
};

// The service as a child process on a free loopback port, its data and log (service.log) in
// `dir`; stopped (SIGTERM) when destroyed.
class Service {
 public:
  Service(const std::string& binary, const std::filesystem::path& dir,
          const std::vector<std::string>& flags);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;
  // The port, or 0 when the service did not answer in 30 s.
  int port() const { return ready_ ? port_ : 0; }

 private:
  int port_;
  pid_t pid_ = -1;
  bool ready_ = false;
};

// The `p` quantile (0..1) of `values`, 0 when there are none.
double Percentile(std::vector<double> values, double p);

}  // namespace bench
