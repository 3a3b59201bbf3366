// HttpServer's request parsing and limits, fed the input as raw bytes over a loopback connection
// to a real server (one for the whole run, with small limits so that every limit is reachable).
// Contract: whatever arrives, the server either answers with a well-formed HTTP response (status
// line, header fields, a body of the announced length; a refusal with a JSON {"message": ...}
// body) or closes the connection, within seconds of the client's end of input; the handler only
// ever sees requests within the limits.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>

#include "api/http_server.h"
#include "fuzz_check.h"

namespace {

constexpr int kAnswerTimeoutMs = 5000;

wfm::HttpServerOptions Options() {
  wfm::HttpServerOptions options;
  options.threads = 2;
  options.max_body_bytes = 512;
  options.max_url_bytes = 256;
  options.max_header_bytes = 1024;
  options.max_header_fields = 16;
  options.request_timeout = std::chrono::milliseconds(2000);
  options.idle_timeout = std::chrono::milliseconds(2000);
  return options;
}

wfm::HttpResponse Handle(const wfm::HttpRequest& request) {
  const wfm::HttpServerOptions limits = Options();
  FUZZ_CHECK(!request.method.empty(), "a request has a method");
  FUZZ_CHECK(request.target.size() <= limits.max_url_bytes, "the handler sees no long URL");
  FUZZ_CHECK(request.headers.size() <= limits.max_header_fields, "the handler sees few headers");
  FUZZ_CHECK(request.body.size() <= limits.max_body_bytes, "the handler sees no large body");
  return wfm::HttpResponse{200, "application/json", R"({"ok":true})", {}, false, {}};
}

int ServerPort() {
  static std::unique_ptr<wfm::HttpServer> server = [] {
    auto listening = wfm::HttpServer::Listen(wfm::HttpHandler(Handle), "127.0.0.1", 0, Options());
    FUZZ_CHECK(listening.ok(), "the server listens on 127.0.0.1");
    return std::move(listening.value());
  }();
  return server->port();
}

// Sends `bytes`, ends the input and returns what the server sent until it closed the connection
// (a reset included). Aborts when the server neither answers nor closes.
std::string Exchange(const std::string& bytes) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  FUZZ_CHECK(fd >= 0, "a socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(ServerPort()));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  FUZZ_CHECK(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0,
             "the server accepts a connection");
  for (size_t sent = 0; sent < bytes.size();) {
    ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server closed early: what it answered is still to read
    sent += static_cast<size_t>(n);
  }
  shutdown(fd, SHUT_WR);
  std::string answer;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kAnswerTimeoutMs);
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    pollfd readable{fd, POLLIN, 0};
    FUZZ_CHECK(left > 0 && poll(&readable, 1, static_cast<int>(left)) == 1,
               "the server answers or closes the connection once the client's input ends");
    char buffer[4096];
    ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;  // closed or reset
    answer.append(buffer, static_cast<size_t>(n));
  }
  linger abort_on_close{1, 0};  // no TIME_WAIT for millions of connections
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
  close(fd);
  return answer;
}

// Checks the first final response in `answer` (interim 1xx responses are skipped).
void CheckAnswer(const std::string& answer) {
  static const std::regex kStatusLine(R"(HTTP/1\.[01] ([1-5][0-9][0-9]) [^\r\n]*)");
  size_t start = 0;
  for (;;) {
    size_t line_end = answer.find("\r\n", start);
    FUZZ_CHECK(line_end != std::string::npos, "an answer starts with a whole status line");
    std::smatch status;
    std::string status_line = answer.substr(start, line_end - start);
    FUZZ_CHECK(std::regex_match(status_line, status, kStatusLine), "a well-formed status line");
    size_t header_end = answer.find("\r\n\r\n", start);
    FUZZ_CHECK(header_end != std::string::npos, "an answer's header block is complete");
    int code = std::stoi(status[1]);
    if (code < 200) {
      start = header_end + 4;
      continue;
    }
    if (code < 400) return;  // the handler's own answer
    static const std::regex kContentLength(R"(\r\n[Cc]ontent-[Ll]ength: *([0-9]+)\r\n)");
    std::smatch length;
    std::string header = answer.substr(start, header_end + 2 - start);
    FUZZ_CHECK(std::regex_search(header, length, kContentLength), "a refusal has a length");
    size_t body_start = header_end + 4;
    size_t body_length = std::stoul(length[1]);
    FUZZ_CHECK(answer.size() - body_start >= body_length, "a refusal's body is complete");
    auto body = nlohmann::json::parse(answer.substr(body_start, body_length), nullptr, false);
    FUZZ_CHECK(body.is_object() && body.contains("message") && body["message"].is_string(),
               "a refusal is a JSON {\"message\": ...}");
    return;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string answer = Exchange(std::string(reinterpret_cast<const char*>(data), size));
  if (!answer.empty()) CheckAnswer(answer);
  return 0;
}
