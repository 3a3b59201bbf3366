#include "http_support.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>

namespace bench {
namespace {

// A free loopback port (the kernel's choice; released for the service to take).
int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

}  // namespace

Client::Client(std::string base) : base_(std::move(base)), curl_(curl_easy_init()) {
  curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, &Client::Append);
  curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &body_);
  json_headers_ = curl_slist_append(nullptr, "Content-Type: application/json");
}

Client::~Client() {
  curl_slist_free_all(json_headers_);
  curl_easy_cleanup(curl_);
}

long Client::Call(const std::string& method, const std::string& path, const std::string& payload) {
  return Perform(method, path, payload, json_headers_);
}

long Client::Sfn(const std::string& operation, const std::string& payload) {
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/x-amz-json-1.0");
  headers = curl_slist_append(headers, ("X-Amz-Target: AWSStepFunctions." + operation).c_str());
  long status = Perform("POST", "/", payload, headers);
  curl_slist_free_all(headers);
  return status;
}

long Client::Perform(const std::string& method, const std::string& path, const std::string& payload,
                     curl_slist* headers) {
  body_.clear();
  curl_easy_setopt(curl_, CURLOPT_URL, (base_ + path).c_str());
  curl_easy_setopt(curl_, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers);
  if (method == "GET") {
    curl_easy_setopt(curl_, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, payload.c_str());
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE, static_cast<long>(payload.size()));
  }
  if (curl_easy_perform(curl_) != CURLE_OK) return 0;
  long status = 0;
  curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &status);
  return status;
}

size_t Client::Append(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

Service::Service(const std::string& binary, const std::filesystem::path& dir,
                 const std::vector<std::string>& flags)
    : port_(FreePort()) {
  std::filesystem::path log = dir / "service.log";
  pid_ = fork();
  if (pid_ == 0) {
    int out = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(out, STDOUT_FILENO);
    dup2(out, STDERR_FILENO);
    std::vector<std::string> args = {
        binary,        "--listen", "127.0.0.1:" + std::to_string(port_), "--data-dir", dir.string(),
        "--log-level", "warn"};
    args.insert(args.end(), flags.begin(), flags.end());
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  Client health("http://127.0.0.1:" + std::to_string(port_));
  for (int i = 0; i < 3000; ++i) {
    if (health.Call("GET", "/_health") == 200) {
      ready_ = true;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

Service::~Service() {
  kill(pid_, SIGTERM);
  waitpid(pid_, nullptr, 0);
}

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<size_t>(p * values.size()))];
}

}  // namespace bench
