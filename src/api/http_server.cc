#include "api/http_server.h"

#include <spdlog/spdlog.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <optional>

namespace wfm {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kIdleTimeout = std::chrono::seconds(60);

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const HttpHandler& handler, std::atomic<int>& in_flight)
      : stream_(std::move(socket)), handler_(handler), in_flight_(in_flight) {}

  void Start() { Read(); }

 private:
  void Read() {
    parser_.emplace();
    parser_->body_limit(HttpServer::kMaxBodyBytes);
    stream_.expires_after(kIdleTimeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      HttpResponse too_large{
          413, "application/json", R"({"message":"request body larger than 1 MiB"})", {}};
      Write(too_large, false, /*close=*/true);
      return;
    }
    if (ec) return;  // closed, timed out or malformed: drop the connection
    ++in_flight_;
    auto& request = parser_->get();
    HttpRequest req{
        std::string(request.method_string()), std::string(request.target()), request.body(), {}};
    for (const auto& field : request) {
      req.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    HttpResponse response = handler_(req);
    if (response.drop_connection) {
      --in_flight_;
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
      stream_.socket().close(ignored);
      return;
    }
    Write(response, request.keep_alive(), false);
  }

  void Write(const HttpResponse& response, bool keep_alive, bool close) {
    auto message = std::make_shared<http::response<http::string_body>>();
    message->result(static_cast<unsigned>(response.status));
    message->version(11);
    message->set(http::field::server, "workflow-manager");
    message->set(http::field::content_type, response.content_type);
    for (const auto& [k, v] : response.headers) message->set(k, v);
    message->body() = response.body;
    message->keep_alive(keep_alive && !close);
    message->prepare_payload();
    bool counted = !close;
    http::async_write(stream_, *message,
                      [self = shared_from_this(), message, counted](beast::error_code ec, size_t) {
                        if (counted) --self->in_flight_;
                        if (ec || !message->keep_alive()) {
                          beast::error_code ignored;
                          self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
                          return;
                        }
                        self->Read();
                      });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  const HttpHandler& handler_;
  std::atomic<int>& in_flight_;
};

}  // namespace

struct HttpServer::Impl {
  Impl(HttpHandler handler, int threads)
      : handler(std::move(handler)), acceptor(io), thread_count(threads) {}

  void Accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec) return;  // closed by Stop
      std::make_shared<Session>(std::move(socket), handler, in_flight)->Start();
      Accept();
    });
  }

  HttpHandler handler;
  asio::io_context io;
  tcp::acceptor acceptor;
  int thread_count;
  std::vector<std::thread> threads;
  std::atomic<int> in_flight{0};
  bool stopped = false;
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { Stop(); }

Result<std::unique_ptr<HttpServer>> HttpServer::Listen(HttpHandler handler, const std::string& host,
                                                       int port, int threads) {
  auto impl = std::make_unique<Impl>(std::move(handler), threads);
  try {
    tcp::endpoint endpoint(asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host),
                           static_cast<unsigned short>(port));
    impl->acceptor.open(endpoint.protocol());
    impl->acceptor.set_option(asio::socket_base::reuse_address(true));
    impl->acceptor.bind(endpoint);
    impl->acceptor.listen();
  } catch (const std::exception& e) {
    return Error{ErrorCode::kInvalidArgument,
                 "can't listen on " + host + ":" + std::to_string(port) + ": " + e.what()};
  }
  int bound = impl->acceptor.local_endpoint().port();
  impl->Accept();
  for (int i = 0; i < impl->thread_count; ++i) {
    impl->threads.emplace_back([io = &impl->io] { io->run(); });
  }
  std::unique_ptr<HttpServer> server(new HttpServer(std::move(impl)));
  server->port_ = bound;
  return server;
}

void HttpServer::Stop() {
  if (!impl_ || impl_->stopped) return;
  impl_->stopped = true;
  asio::post(impl_->io, [this] {
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
  });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (impl_->in_flight > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  impl_->io.stop();
  for (auto& t : impl_->threads) t.join();
}

}  // namespace wfm
