#include "scripted_service.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace wfm::cli {

std::string Answer(int status, const std::string& content_type, const std::string& body,
                   bool with_length, const std::string& headers) {
  std::string head = "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: " + content_type +
                     "\r\n" + headers + "Connection: close\r\n";
  if (with_length) head += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  return head + "\r\n" + body;
}

std::string JsonAnswer(int status, const nlohmann::json& body, const std::string& headers) {
  return Answer(status, "application/json", body.dump(), true, headers);
}

ScriptedService::ScriptedService(std::map<std::string, std::string> answers)
    : answers_(std::move(answers)) {
  listener_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  EXPECT_EQ(listen(listener_, 16), 0);
  socklen_t length = sizeof address;
  getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this] { Serve(); });
}

ScriptedService::~ScriptedService() {
  stop_ = true;
  thread_.join();
  close(listener_);
}

ServiceAddress ScriptedService::address() const {
  return {"http://127.0.0.1:" + std::to_string(port_), ""};
}

std::vector<std::string> ScriptedService::targets() {
  std::lock_guard lock(mu_);
  return targets_;
}

void ScriptedService::Serve() {
  while (!stop_) {
    pollfd ready{listener_, POLLIN, 0};
    if (poll(&ready, 1, 20) <= 0) continue;
    int connection = accept(listener_, nullptr, nullptr);
    if (connection < 0) continue;
    std::string request;
    char buffer[4096];
    while (request.find("\r\n\r\n") == std::string::npos) {
      ssize_t n = read(connection, buffer, sizeof buffer);
      if (n <= 0) break;
      request.append(buffer, n);
    }
    size_t start = request.find(' ') + 1;
    std::string target = request.substr(start, request.find(' ', start) - start);
    {
      std::lock_guard lock(mu_);
      targets_.push_back(target);
    }
    auto answer = answers_.find(target);
    std::string text = answer != answers_.end()
                           ? answer->second
                           : JsonAnswer(404, {{"message", "no such path: " + target}});
    for (size_t sent = 0; sent < text.size();) {
      ssize_t n = write(connection, text.data() + sent, text.size() - sent);
      if (n <= 0) break;
      sent += n;
    }
    close(connection);
  }
}

}  // namespace wfm::cli
