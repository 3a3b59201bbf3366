// HttpServer over real sockets on loopback: answers given later from other threads, a graceful
// stop, and what a hostile or broken client gets (raw bytes on the wire).
#include "api/http_server.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>

#include <future>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "api/client_rate_limiter.h"
#include "core/ids.h"

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
  int fd() const { return fd_; }

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

HttpResponse Ok(const std::string& body) { return HttpResponse{200, "application/json", body, {}, false, {}}; }

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

// Everything the server sends on the connection until it closes it.
std::string ReadUntilClosed(Client& client) {
  std::string text;
  char chunk[4096];
  for (ssize_t n; (n = ::recv(client.fd(), chunk, sizeof(chunk), 0)) > 0;) {
    text.append(chunk, static_cast<size_t>(n));
  }
  return text;
}

// A response streamed by `produce`, called with the sink on a thread of its own.
HttpResponse Streamed(std::function<void(std::shared_ptr<ResponseStream>)> produce) {
  HttpResponse response;
  response.content_type = "text/event-stream";
  response.headers["Cache-Control"] = "no-cache";
  response.stream = [produce = std::move(produce)](std::shared_ptr<ResponseStream> sink) {
    std::thread(produce, std::move(sink)).detach();
  };
  return response;
}

TEST(HttpServerTest, StreamsABodyAsItComesThenCloses) {
  auto server = HttpServer::Listen(
                    [](const HttpRequest&) {
                      return Streamed([](std::shared_ptr<ResponseStream> sink) {
                        for (int i = 0; i < 3; ++i) {
                          EXPECT_TRUE(sink->Write("data: " + std::to_string(i) + "\n\n"));
                          std::this_thread::sleep_for(5ms);
                        }
                        sink->End();
                        EXPECT_FALSE(sink->Write("data: late\n\n"));
                      });
                    },
                    "127.0.0.1", 0, 2)
                    .value();
  Client client(server->port());
  ASSERT_TRUE(client.Send(Get("/events")));
  std::string text = ReadUntilClosed(client);
  EXPECT_EQ(StatusOf(text), 200);
  std::string header = text.substr(0, text.find("\r\n\r\n"));
  EXPECT_NE(header.find("Content-Type: text/event-stream"), std::string::npos) << header;
  EXPECT_NE(header.find("Connection: close"), std::string::npos) << header;
  EXPECT_EQ(header.find("Content-Length"), std::string::npos) << header;
  EXPECT_EQ(BodyOf(text), "data: 0\n\ndata: 1\n\ndata: 2\n\n");
}

TEST(HttpServerTest, AStreamLearnsThatItsClientHungUp) {
  std::promise<void> refused;
  auto server = HttpServer::Listen(
                    [&](const HttpRequest&) {
                      return Streamed([&](std::shared_ptr<ResponseStream> sink) {
                        for (int i = 0; i < 10000; ++i) {
                          if (!sink->Write("data: tick\n\n")) return refused.set_value();
                          std::this_thread::sleep_for(1ms);
                        }
                      });
                    },
                    "127.0.0.1", 0, 2)
                    .value();
  {
    Client client(server->port());
    ASSERT_TRUE(client.Send(Get("/events")));
    char chunk[64];
    ASSERT_GT(::recv(client.fd(), chunk, sizeof(chunk), 0), 0);
  }  // hangs up
  EXPECT_EQ(refused.get_future().wait_for(10s), std::future_status::ready);
}

// The value of header `name` in `response` (case-sensitive name as the server writes it), or "".
std::string HeaderOf(const std::string& response, const std::string& name) {
  size_t at = response.find("\r\n" + name + ": ");
  if (at == std::string::npos) return "";
  size_t start = at + name.size() + 4;
  return response.substr(start, response.find("\r\n", start) - start);
}

TEST(HttpServerTest, EveryResponseNamesItsRequest) {
  auto server = HttpServer::Listen(
                    [](const HttpRequest& request) { return Ok(request.Header("X-Request-Id")); },
                    "127.0.0.1", 0, 2)
                    .value();
  Client client(server->port());
  ASSERT_TRUE(client.Send(Get("/a")));
  std::string made = client.ReadResponse();
  std::string id = HeaderOf(made, "X-Request-Id");
  EXPECT_EQ(id.size(), 36u) << made;  // a UUID
  EXPECT_EQ(BodyOf(made), id);        // the handler sees the same
  ASSERT_TRUE(client.Send("GET /b HTTP/1.1\r\nHost: x\r\nX-Request-Id: client.id_1-2\r\n\r\n"));
  std::string echoed = client.ReadResponse();
  EXPECT_EQ(HeaderOf(echoed, "X-Request-Id"), "client.id_1-2");
  EXPECT_EQ(BodyOf(echoed), "client.id_1-2");
  for (const std::string& unfit : {std::string("has space"), std::string(129, 'a'),
                                   std::string("semi;colon"), std::string("{\"json\":1}")}) {
    ASSERT_TRUE(client.Send("GET /c HTTP/1.1\r\nHost: x\r\nX-Request-Id: " + unfit + "\r\n\r\n"));
    std::string replaced = client.ReadResponse();
    EXPECT_EQ(HeaderOf(replaced, "X-Request-Id").size(), 36u) << unfit;
    EXPECT_EQ(BodyOf(replaced), HeaderOf(replaced, "X-Request-Id")) << unfit;
  }
  Client refused(server->port());
  ASSERT_TRUE(refused.Send("NOT A REQUEST\r\n\r\n"));
  std::string refusal = refused.ReadResponse();
  EXPECT_EQ(StatusOf(refusal), 400);
  EXPECT_EQ(HeaderOf(refusal, "X-Request-Id").size(), 36u) << refusal;
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

// A server answering every request 200 {"ok":true}, with `options`.
Result<std::unique_ptr<HttpServer>> OkServerResult(const HttpServerOptions& options) {
  return HttpServer::Listen([](const HttpRequest&) { return Ok(R"({"ok":true})"); }, "127.0.0.1", 0,
                            options);
}
std::unique_ptr<HttpServer> OkServer(const HttpServerOptions& options = {}) {
  return OkServerResult(options).value();
}

// Sends `bytes` on a fresh connection and expects `status` with a JSON message, then a close.
void ExpectRefusal(int port, const std::string& bytes, int status) {
  SCOPED_TRACE(bytes.substr(0, 60));
  Client client(port);
  ASSERT_TRUE(client.connected());
  client.Send(bytes);  // the server may answer and close before it has read everything
  std::string response = client.ReadResponse();
  EXPECT_EQ(StatusOf(response), status) << response.substr(0, 200);
  EXPECT_NE(MessageOf(response), "") << response.substr(0, 200);
  EXPECT_NE(response.find("Connection: close"), std::string::npos);
  EXPECT_TRUE(client.ClosedByServer());
}

TEST(HttpServerLimitsTest, ALongUrlGets414) {
  auto server = OkServer();
  std::string long_target = "/jobs?" + std::string(9000, 'a');
  ExpectRefusal(server->port(), Get(long_target), 414);
  ExpectRefusal(server->port(), Get("/" + std::string(100'000, 'a')), 414);
  // Within the limit: served.
  Client client(server->port());
  client.Send(Get("/jobs?" + std::string(8000, 'a')));
  EXPECT_EQ(StatusOf(client.ReadResponse()), 200);
}

TEST(HttpServerLimitsTest, ALargeHeaderOrTooManyFieldsGets431) {
  auto server = OkServer();
  ExpectRefusal(server->port(),
                "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(100'000, 'b') + "\r\n\r\n",
                431);
  std::string many = "GET / HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 10'000; ++i) many += "X-" + std::to_string(i) + ": v\r\n";
  ExpectRefusal(server->port(), many + "\r\n", 431);
  std::string some = "GET / HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 200; ++i) some += "X-" + std::to_string(i) + ": v\r\n";
  ExpectRefusal(server->port(), some + "\r\n", 431);
}

TEST(HttpServerLimitsTest, MalformedRequestsGet400) {
  auto server = OkServer();
  int port = server->port();
  ExpectRefusal(port,
                "POST /jobs HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
                "Transfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n",
                400);
  ExpectRefusal(port, "POST /jobs HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", 400);
  ExpectRefusal(port, "POST /jobs HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n\r\n", 400);
  ExpectRefusal(port, "GET /\r\n", 400);  // HTTP/0.9
  ExpectRefusal(port, "\x16\x03\x01\x02\xfc\x03\x03\r\n\r\n", 400);
  ExpectRefusal(port, "HELLO\r\n\r\n", 400);
  ExpectRefusal(port, "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 400);
  // Framing that another server could read differently (request smuggling), and no Host.
  ExpectRefusal(port,
                "POST /jobs HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n"
                "DELETE /jobs/1 HTTP/1.1\r\nHost: x\r\n\r\n",
                400);
  ExpectRefusal(port,
                "POST /jobs HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                "0\r\n\r\n",
                400);
  ExpectRefusal(port,
                "POST /jobs HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
                "Transfer-Encoding: xchunked\r\n\r\n{}",
                400);
  ExpectRefusal(port, "GET / HTTP/1.1\r\n\r\n", 400);
  ExpectRefusal(port, "GET / HTTP/1.1\r\nHost: \r\n\r\n", 400);
  ExpectRefusal(port, "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400);
  Client chunked(port);  // plain chunked bodies are still read
  chunked.Send(
      "POST /jobs HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "2\r\n{}\r\n0\r\n\r\n");
  EXPECT_EQ(StatusOf(chunked.ReadResponse()), 200);
}

TEST(HttpServerLimitsTest, ALargeBodyGets413) {
  HttpServerOptions options;
  options.max_body_bytes = 1000;
  auto server = OkServer(options);
  ExpectRefusal(
      server->port(),
      "POST /jobs HTTP/1.1\r\nHost: x\r\nContent-Length: 1001\r\n\r\n" + std::string(1001, 'x'),
      413);
  Client client(server->port());
  client.Send("POST /jobs HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" +
              std::string(1000, 'x'));
  EXPECT_EQ(StatusOf(client.ReadResponse()), 200);
}

TEST(HttpServerLimitsTest, AClientThatExpectsContinueGetsIt) {
  auto server = HttpServer::Listen([](const HttpRequest& request) { return Ok(request.body); },
                                   "127.0.0.1", 0, 2)
                    .value();
  Client client(server->port());
  ASSERT_TRUE(client.Send(
      "POST /jobs HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n"));
  std::string interim = client.ReadResponse();
  EXPECT_EQ(StatusOf(interim), 100);
  ASSERT_TRUE(client.Send("{}"));
  std::string response = client.ReadResponse();
  EXPECT_EQ(StatusOf(response), 200);
  EXPECT_EQ(BodyOf(response), "{}");
}

TEST(HttpServerLimitsTest, ASlowRequestGets408AndAnIdleConnectionIsClosed) {
  HttpServerOptions options;
  options.request_timeout = 300ms;
  options.idle_timeout = 300ms;
  auto server = OkServer(options);
  Client slow(server->port());
  ASSERT_TRUE(slow.Send("GET / HTTP/1.1\r\nHost: x\r\n"));
  std::this_thread::sleep_for(100ms);
  ASSERT_TRUE(slow.Send("X-Trickle: 1\r\n"));  // slowloris: never finishes its header
  std::string response = slow.ReadResponse();
  EXPECT_EQ(StatusOf(response), 408);
  EXPECT_NE(MessageOf(response), "");
  EXPECT_TRUE(slow.ClosedByServer());

  Client idle(server->port());
  EXPECT_TRUE(idle.ClosedByServer());
  EXPECT_EQ(StatusOf(idle.ReadResponse()), 0);
}

TEST(HttpServerLimitsTest, RequestsOverTheClientRateGet429) {
  HttpServerOptions options;
  options.rate_limit = 0.5;  // one token every 2 s: the test never waits for one
  options.rate_burst = 3;
  auto server = OkServer(options);
  Client client(server->port());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(client.Send(Get("/")));
    EXPECT_EQ(StatusOf(client.ReadResponse()), 200);
  }
  ASSERT_TRUE(client.Send(Get("/")));
  std::string refused = client.ReadResponse();
  EXPECT_EQ(StatusOf(refused), 429);
  EXPECT_NE(MessageOf(refused), "");
  EXPECT_NE(refused.find("Retry-After: 2"), std::string::npos) << refused;
}

TEST(HttpServerLimitsTest, ConnectionsOverTheCapGet503) {
  HttpServerOptions options;
  options.max_connections = 2;
  auto server = OkServer(options);
  auto first = std::make_unique<Client>(server->port());
  Client second(server->port());
  for (Client* client : {first.get(), &second}) {  // both accepted and kept open
    ASSERT_TRUE(client->Send(Get("/")));
    ASSERT_EQ(StatusOf(client->ReadResponse()), 200);
  }
  {
    Client third(server->port());
    std::string response = third.ReadResponse();
    EXPECT_EQ(StatusOf(response), 503);
    EXPECT_NE(MessageOf(response), "");
  }
  first.reset();
  // Once the server has seen the close, a new connection is served.
  int status = 0;
  for (int attempt = 0; attempt < 100 && status != 200; ++attempt) {
    Client again(server->port());
    again.Send(Get("/"));
    status = StatusOf(again.ReadResponse());
    if (status != 200) std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(status, 200);
}

TEST(HttpServerLimitsTest, ServesAgainAfterRunningOutOfDescriptors) {
  auto server = OkServer();
  rlimit original{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &original), 0);
  int open_now = 0;
  if (DIR* dir = opendir("/proc/self/fd")) {
    while (readdir(dir)) ++open_now;
    closedir(dir);
  }
  rlimit low = original;
  low.rlim_cur = static_cast<rlim_t>(open_now + 40);
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
  // Connections pile up until neither this test nor the server can open another descriptor;
  // the server's accept then fails with EMFILE while connections wait in its backlog.
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 200; ++i) {
    auto client = std::make_unique<Client>(server->port());
    if (client->fd() < 0 || !client->connected()) break;
    clients.push_back(std::move(client));
  }
  std::this_thread::sleep_for(300ms);  // the server meets EMFILE (and backs off)
  clients.clear();
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &original), 0);
  Client health(server->port());
  ASSERT_TRUE(health.Send(Get("/_health")));
  EXPECT_EQ(StatusOf(health.ReadResponse()), 200);
}

TEST(HttpServerLimitsTest, SocketsAreCloseOnExec) {
  auto server = OkServer();
  Client client(server->port());
  ASSERT_TRUE(client.Send(Get("/")));
  ASSERT_EQ(StatusOf(client.ReadResponse()), 200);
  // Every socket of this process (the test's are made close-on-exec) must be close-on-exec.
  int sockets = 0;
  DIR* dir = opendir("/proc/self/fd");
  ASSERT_NE(dir, nullptr);
  while (dirent* entry = readdir(dir)) {
    std::string path = std::string("/proc/self/fd/") + entry->d_name;
    char target[256] = {};
    if (readlink(path.c_str(), target, sizeof(target) - 1) <= 0) continue;
    if (std::string(target).rfind("socket:", 0) != 0) continue;
    ++sockets;
    int fd = std::stoi(entry->d_name);
    EXPECT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC) << "socket descriptor " << fd;
  }
  closedir(dir);
  EXPECT_GE(sockets, 3);  // the listener, the accepted connection, the client
}

// A self-signed certificate for localhost and 127.0.0.1, made with the openssl command.
class HttpServerTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("wfm-tls-" + NewUuid());
    std::filesystem::create_directories(dir_);
    cert_ = (dir_ / "cert.pem").string();
    key_ = (dir_ / "key.pem").string();
    std::string command =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
        "-subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout " +
        key_ + " -out " + cert_ + " 2>/dev/null";
    ASSERT_EQ(std::system(command.c_str()), 0) << "the openssl command is needed";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  HttpServerOptions TlsOptions() const {
    HttpServerOptions options;
    options.tls_cert_file = cert_;
    options.tls_key_file = key_;
    return options;
  }

  // Runs curl against `url` trusting the test's certificate; returns "<status> <body>".
  std::string Curl(const std::string& url) {
    std::string command =
        "curl -sS --max-time 10 --cacert " + cert_ + " -w ' %{http_code}' " + url + " 2>&1";
    std::string output;
    if (FILE* pipe = popen(command.c_str(), "r")) {
      char chunk[4096];
      while (size_t n = fread(chunk, 1, sizeof(chunk), pipe)) output.append(chunk, n);
      pclose(pipe);
    }
    return output;
  }

  std::filesystem::path dir_;
  std::string cert_;
  std::string key_;
};

TEST_F(HttpServerTlsTest, ServesHttpsAndSurvivesPlainHttp) {
  auto server = OkServer(TlsOptions());
  std::string url = "https://localhost:" + std::to_string(server->port()) + "/_health";
  EXPECT_EQ(Curl(url), R"({"ok":true} 200)");
  {
    Client plain(server->port());  // plain HTTP to the TLS port: refused, nothing else
    plain.Send(Get("/_health"));
    EXPECT_TRUE(plain.ClosedByServer());
  }
  EXPECT_EQ(Curl(url), R"({"ok":true} 200)");
  // Without the certificate the client refuses the server.
  std::string untrusted = Curl("--cacert /dev/null " + url);
  EXPECT_EQ(untrusted.find("200"), std::string::npos) << untrusted;
}

TEST_F(HttpServerTlsTest, UnusableFilesAreClearStartErrors) {
  HttpServerOptions missing = TlsOptions();
  missing.tls_cert_file = (dir_ / "missing.pem").string();
  auto failed = OkServerResult(missing);
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.error().message.find("missing.pem"), std::string::npos)
      << failed.error().message;

  HttpServerOptions only_cert = TlsOptions();
  only_cert.tls_key_file.clear();
  ASSERT_FALSE(OkServerResult(only_cert).ok());

  HttpServerOptions swapped = TlsOptions();
  std::swap(swapped.tls_cert_file, swapped.tls_key_file);
  auto wrong = OkServerResult(swapped);
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error().message.find("TLS"), std::string::npos) << wrong.error().message;
}

TEST(ClientRateLimiterTest, EachClientHasItsOwnBucketThatRefills) {
  ClientRateLimiter limiter(2, 2);  // 2 per second, bursts of 2
  auto start = std::chrono::steady_clock::time_point{} + 1h;
  EXPECT_EQ(limiter.Admit("a", start), 0);
  EXPECT_EQ(limiter.Admit("a", start), 0);
  EXPECT_EQ(limiter.Admit("a", start), 1);  // empty: a token in 0.5 s, rounded up
  EXPECT_EQ(limiter.Admit("b", start), 0);  // another client is not affected
  EXPECT_EQ(limiter.Admit("a", start + 500ms), 0);
  EXPECT_EQ(limiter.Admit("a", start + 500ms), 1);
  EXPECT_EQ(limiter.Admit("a", start + 1h), 0);  // refilled (and forgotten meanwhile)
  EXPECT_EQ(limiter.Admit("a", start + 1h), 0);
  EXPECT_EQ(limiter.Admit("a", start + 1h), 1);
  ClientRateLimiter unlimited(0, 0);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(unlimited.Admit("a", start), 0);
}

}  // namespace
}  // namespace wfm
