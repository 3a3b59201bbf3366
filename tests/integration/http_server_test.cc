// HttpServer over real sockets on loopback: answers given later from other threads, a graceful
// stop, and what a hostile or broken client gets (raw bytes on the wire).
#include "api/http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

namespace wfm {
namespace {

using namespace std::chrono_literals;

// A connected loopback socket (closed on destruction), reads time out after 10 s.
class Client {
 public:
  explicit Client(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    timeval timeout{10, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  }
  ~Client() { ::close(fd_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return connected_; }

  // Sends all of `bytes`; false when the peer is gone.
  bool Send(const std::string& bytes) {
    size_t sent = 0;
    while (sent < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<size_t>(n);
    }
    return true;
  }

  // Reads one response (header and Content-Length body); "" when the connection ends first.
  std::string ReadResponse() {
    for (;;) {
      size_t header_end = pending_.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        size_t length = 0;
        std::string header = pending_.substr(0, header_end);
        for (auto& c : header) c = static_cast<char>(std::tolower(c));
        if (auto at = header.find("content-length:"); at != std::string::npos) {
          length = std::stoul(header.substr(at + 15));
        }
        if (pending_.size() >= header_end + 4 + length) {
          std::string response = pending_.substr(0, header_end + 4 + length);
          pending_.erase(0, response.size());
          return response;
        }
      }
      char chunk[65536];
      ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
      if (n <= 0) return "";
      pending_.append(chunk, static_cast<size_t>(n));
    }
  }

  // True when the server closes the connection (reads end) within the receive timeout.
  bool ClosedByServer() {
    char chunk[4096];
    for (;;) {
      ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
      if (n == 0) return true;
      if (n < 0) return errno == ECONNRESET;
    }
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
  std::string pending_;
};

int StatusOf(const std::string& response) {
  if (response.rfind("HTTP/1.1 ", 0) != 0) return 0;
  return std::stoi(response.substr(9, 3));
}

std::string BodyOf(const std::string& response) {
  size_t at = response.find("\r\n\r\n");
  return at == std::string::npos ? "" : response.substr(at + 4);
}

// The "message" of a JSON error body, or "" when the body is not one.
std::string MessageOf(const std::string& response) {
  auto body = nlohmann::json::parse(BodyOf(response), nullptr, false);
  if (!body.is_object() || !body.contains("message") || !body["message"].is_string()) return "";
  return body["message"];
}

std::string Get(const std::string& target) {
  return "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
}

HttpResponse Ok(const std::string& body) { return HttpResponse{200, "application/json", body, {}}; }

// Responders handed over by the handler, answered by the test when it chooses.
class PendingAnswers {
 public:
  void Add(HttpResponder responder) {
    std::lock_guard lock(mu_);
    responders_.push_back(std::move(responder));
    cv_.notify_all();
  }
  // Waits until `count` responders are held.
  bool WaitFor(size_t count) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, 10s, [&] { return responders_.size() >= count; });
  }
  std::vector<HttpResponder> Take() {
    std::lock_guard lock(mu_);
    return std::move(responders_);
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<HttpResponder> responders_;
};

TEST(HttpServerTest, AnswersLaterFromAnotherThread) {
  PendingAnswers pending;
  auto server =
      HttpServer::Listen([&](const HttpRequest&, HttpResponder respond) { pending.Add(respond); },
                         "127.0.0.1", 0, HttpServerOptions{})
          .value();
  Client client(server->port());
  ASSERT_TRUE(client.Send(Get("/slow")));
  ASSERT_TRUE(pending.WaitFor(1));
  // Meanwhile the I/O threads are free: another client is answered (late) too.
  Client other(server->port());
  ASSERT_TRUE(other.Send(Get("/other")));
  ASSERT_TRUE(pending.WaitFor(2));
  auto responders = pending.Take();
  std::thread([r = responders[1]] { r(Ok(R"({"n":2})")); }).join();
  std::string second = other.ReadResponse();
  EXPECT_EQ(StatusOf(second), 200);
  EXPECT_EQ(BodyOf(second), R"({"n":2})");
  std::thread([r = responders[0]] {
    r(Ok(R"({"n":1})"));
    r(Ok(R"({"n":3})"));  // a second answer is ignored
  }).join();
  std::string first = client.ReadResponse();
  EXPECT_EQ(BodyOf(first), R"({"n":1})");
  // The connection is kept alive for the next request.
  ASSERT_TRUE(client.Send(Get("/again")));
  ASSERT_TRUE(pending.WaitFor(1));
  pending.Take()[0](Ok("{}"));
  EXPECT_EQ(StatusOf(client.ReadResponse()), 200);
}

TEST(HttpServerTest, ARequestNeverAnsweredGets500) {
  auto server = HttpServer::Listen([](const HttpRequest&, HttpResponder) {}, "127.0.0.1", 0,
                                   HttpServerOptions{})
                    .value();
  Client client(server->port());
  ASSERT_TRUE(client.Send(Get("/")));
  std::string response = client.ReadResponse();
  EXPECT_EQ(StatusOf(response), 500);
  EXPECT_NE(MessageOf(response), "");
}

TEST(HttpServerTest, HandlersSeeTheClientAddress) {
  auto server =
      HttpServer::Listen([](const HttpRequest& request) { return Ok(request.remote_address); },
                         "127.0.0.1", 0, 2)
          .value();
  Client client(server->port());
  ASSERT_TRUE(client.Send(Get("/")));
  EXPECT_EQ(BodyOf(client.ReadResponse()), "127.0.0.1");
}

TEST(HttpServerTest, StopWaitsForPendingAnswersAndLateRespondersAreHarmless) {
  PendingAnswers pending;
  auto server =
      HttpServer::Listen([&](const HttpRequest&, HttpResponder respond) { pending.Add(respond); },
                         "127.0.0.1", 0, HttpServerOptions{})
          .value();
  Client client(server->port());
  ASSERT_TRUE(client.Send(Get("/in-flight")));
  ASSERT_TRUE(pending.WaitFor(1));
  HttpResponder in_flight = pending.Take()[0];
  std::atomic<bool> stopped{false};
  std::thread stopper([&] {
    server->Stop();
    stopped = true;
  });
  std::this_thread::sleep_for(100ms);
  EXPECT_FALSE(stopped) << "Stop returned with an answer pending";
  in_flight(Ok(R"({"done":true})"));
  std::string response = client.ReadResponse();
  stopper.join();
  EXPECT_EQ(BodyOf(response), R"({"done":true})");
}

TEST(HttpServerTest, AResponderCalledAfterTheServerIsGoneDoesNothing) {
  PendingAnswers pending;
  HttpServerOptions options;
  options.stop_timeout = 100ms;
  auto server =
      HttpServer::Listen([&](const HttpRequest&, HttpResponder respond) { pending.Add(respond); },
                         "127.0.0.1", 0, options)
          .value();
  Client client(server->port());
  ASSERT_TRUE(client.Send(Get("/late")));
  ASSERT_TRUE(pending.WaitFor(1));
  HttpResponder responder = pending.Take()[0];
  server.reset();  // gives up waiting after stop_timeout
  responder(Ok("{}"));
  EXPECT_TRUE(client.ClosedByServer());
}

}  // namespace
}  // namespace wfm
