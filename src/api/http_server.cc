#include "api/http_server.h"

#include <errno.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstring>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

namespace wfm {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kAcceptBackoff = std::chrono::milliseconds(100);
constexpr auto kAcceptErrorLogInterval = std::chrono::seconds(5);
constexpr int kAcceptsPerTurn = 64;

HttpResponse JsonError(int status, const std::string& message) {
  return HttpResponse{status, "application/json", nlohmann::json{{"message", message}}.dump(), {}};
}

class Session;

// What the server, its sessions and the responders it hands out share. Responders may outlive the
// server: they reach a session only through `awaiting`, under `mu`, while `io` is set.
struct Shared {
  Shared(AsyncHttpHandler handler, HttpServerOptions options)
      : handler(std::move(handler)), options(std::move(options)) {}

  const AsyncHttpHandler handler;
  const HttpServerOptions options;
  std::atomic<int> in_flight{0};    // requests read and not yet answered
  std::atomic<int> connections{0};  // sessions alive

  std::mutex mu;
  bool open = true;  // false once the server stopped: responders do nothing
  // Sessions whose request is with the handler, kept alive until their answer is written.
  std::unordered_map<Session*, std::shared_ptr<Session>> awaiting;
};

// Delivers one answer to one session, at most once; an answer never given is a 500.
class ResponderState {
 public:
  ResponderState(std::shared_ptr<Shared> shared, Session* session)
      : shared_(std::move(shared)), session_(session) {}
  ~ResponderState() {
    if (!answered_) Deliver(JsonError(500, "the request was not answered"));
  }
  void Deliver(HttpResponse response);

 private:
  std::shared_ptr<Shared> shared_;
  Session* session_;
  std::atomic<bool> answered_{false};
};

// One client connection: reads a request, hands it to the handler, writes its answer, repeats.
// Runs on its own strand.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::string remote_address, std::shared_ptr<Shared> shared)
      : stream_(std::move(socket)),
        remote_address_(std::move(remote_address)),
        shared_(std::move(shared)) {
    ++shared_->connections;
  }
  ~Session() { --shared_->connections; }

  void Start() { ReadRequest(); }

  // Writes `response` to the request under way, later on the session's strand.
  void Answer(HttpResponse response) {
    asio::post(stream_.get_executor(),
               [self = shared_from_this(), response = std::move(response)]() mutable {
                 self->WriteAnswer(std::move(response));
               });
  }

 private:
  void ReadRequest() {
    parser_.emplace();
    parser_->body_limit(shared_->options.max_body_bytes);
    stream_.expires_after(shared_->options.idle_timeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      ++shared_->in_flight;
      WriteAndClose(JsonError(413, "request body larger than " +
                                       std::to_string(shared_->options.max_body_bytes) + " bytes"));
      return;
    }
    if (ec) return;  // closed, timed out or malformed: drop the connection
    ++shared_->in_flight;
    const auto& request = parser_->get();
    HttpRequest req;
    req.method = std::string(request.method_string());
    req.target = std::string(request.target());
    req.body = request.body();
    req.remote_address = remote_address_;
    for (const auto& field : request) {
      req.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    Dispatch(req);
  }

  // Hands `request` to the handler; the session waits in `awaiting` for the answer.
  void Dispatch(const HttpRequest& request) {
    {
      std::lock_guard lock(shared_->mu);
      shared_->awaiting.emplace(this, shared_from_this());
    }
    auto state = std::make_shared<ResponderState>(shared_, this);
    HttpResponder responder = [state](HttpResponse response) {
      state->Deliver(std::move(response));
    };
    try {
      shared_->handler(request, responder);
    } catch (const std::exception& e) {
      spdlog::error("HTTP handler failed on {} {}: {}", request.method, request.target, e.what());
      responder(JsonError(500, "internal error"));
    }
  }

  void WriteAnswer(HttpResponse response) {
    if (response.drop_connection) {
      --shared_->in_flight;
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
      stream_.socket().close(ignored);
      return;
    }
    Write(std::move(response), parser_->get().keep_alive());
  }

  void WriteAndClose(HttpResponse response) { Write(std::move(response), false); }

  // Writes `response`, then reads the next request or closes. Ends one request in flight.
  void Write(HttpResponse response, bool keep_alive) {
    auto message = std::make_shared<http::response<http::string_body>>();
    message->result(static_cast<unsigned>(response.status));
    message->version(11);
    message->set(http::field::server, "workflow-manager");
    message->set(http::field::content_type, response.content_type);
    for (const auto& [k, v] : response.headers) message->set(k, v);
    message->body() = std::move(response.body);
    message->keep_alive(keep_alive);
    message->prepare_payload();
    stream_.expires_after(shared_->options.request_timeout);
    http::async_write(stream_, *message,
                      [self = shared_from_this(), message](beast::error_code ec, size_t) {
                        --self->shared_->in_flight;
                        if (ec || !message->keep_alive()) {
                          beast::error_code ignored;
                          self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
                          return;
                        }
                        self->ReadRequest();
                      });
  }

  beast::tcp_stream stream_;
  const std::string remote_address_;
  std::shared_ptr<Shared> shared_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
};

void ResponderState::Deliver(HttpResponse response) {
  if (answered_.exchange(true)) return;  // answered already
  std::shared_ptr<Session> session;
  {
    std::lock_guard lock(shared_->mu);
    if (!shared_->open) return;
    auto it = shared_->awaiting.find(session_);
    if (it == shared_->awaiting.end()) return;
    session = std::move(it->second);
    shared_->awaiting.erase(it);
    // Handed to the strand while the server still runs: the post keeps the session alive, and
    // io_context's destruction releases it if the server stops first.
    session->Answer(std::move(response));
  }
}

// Logs accept errors at most once per interval, with the number left unlogged.
class AcceptErrorLog {
 public:
  void Report(const std::string& what) {
    auto now = std::chrono::steady_clock::now();
    if (now - last_ < kAcceptErrorLogInterval) {
      ++suppressed_;
      return;
    }
    spdlog::warn("HTTP accept failed: {} ({} more since the last report); retrying", what,
                 suppressed_);
    last_ = now;
    suppressed_ = 0;
  }

 private:
  std::chrono::steady_clock::time_point last_{};
  int suppressed_ = 0;
};

}  // namespace

struct HttpServer::Impl {
  Impl(std::shared_ptr<Shared> shared)
      : shared(std::move(shared)),
        work(asio::make_work_guard(io)),
        acceptor_strand(asio::make_strand(io)),
        acceptor(acceptor_strand),
        backoff(acceptor_strand) {}

  // Opens the listening socket close-on-exec and non-blocking (Asio sets neither atomically).
  Status Open(const tcp::endpoint& endpoint) {
    int fd = ::socket(endpoint.protocol().family(), SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
                      endpoint.protocol().protocol());
    if (fd < 0)
      return Error{ErrorCode::kInvalidArgument, std::string("socket: ") + strerror(errno)};
    beast::error_code ec;
    acceptor.assign(endpoint.protocol(), fd, ec);
    if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return Error{ErrorCode::kInvalidArgument, ec.message()};
    return OkStatus();
  }

  // Accepts what is pending (on the acceptor's strand), then waits for more; after an error it
  // backs off and tries again, so that the server never stops accepting until Stop.
  void AcceptPending() {
    if (closed) return;
    for (int i = 0; i < kAcceptsPerTurn; ++i) {
      sockaddr_storage peer{};
      socklen_t peer_size = sizeof(peer);
      // accept4 by hand: Asio's accept does not set close-on-exec atomically.
      int fd = ::accept4(acceptor.native_handle(), reinterpret_cast<sockaddr*>(&peer), &peer_size,
                         SOCK_CLOEXEC | SOCK_NONBLOCK);
      if (fd >= 0) {
        OnAccepted(fd, peer, peer_size);
        continue;
      }
      if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        WaitForConnection();
        return;
      }
      errors.Report(strerror(errno));
      BackOff();
      return;
    }
    asio::post(acceptor_strand, [this] { AcceptPending(); });  // let the sessions run too
  }

  void WaitForConnection() {
    acceptor.async_wait(tcp::acceptor::wait_read, [this](beast::error_code ec) {
      if (closed) return;
      if (ec) {
        errors.Report(ec.message());
        BackOff();
        return;
      }
      AcceptPending();
    });
  }

  void BackOff() {
    backoff.expires_after(kAcceptBackoff);
    backoff.async_wait([this](beast::error_code) { AcceptPending(); });
  }

  void OnAccepted(int fd, const sockaddr_storage& peer, socklen_t peer_size) {
    tcp::endpoint remote;
    std::memcpy(remote.data(), &peer, std::min<size_t>(peer_size, remote.capacity()));
    tcp::socket socket(asio::make_strand(io));
    beast::error_code ec;
    socket.assign(remote.protocol(), fd, ec);
    if (ec) {
      ::close(fd);
      return;
    }
    std::make_shared<Session>(std::move(socket), remote.address().to_string(), shared)->Start();
  }

  std::shared_ptr<Shared> shared;
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work;
  asio::strand<asio::io_context::executor_type> acceptor_strand;
  tcp::acceptor acceptor;
  asio::steady_timer backoff;
  AcceptErrorLog errors;
  bool closed = false;  // on the acceptor's strand
  std::vector<std::thread> threads;
  bool stopped = false;
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { Stop(); }

Result<std::unique_ptr<HttpServer>> HttpServer::Listen(AsyncHttpHandler handler,
                                                       const std::string& host, int port,
                                                       const HttpServerOptions& options) {
  auto impl = std::make_unique<Impl>(std::make_shared<Shared>(std::move(handler), options));
  std::string where = host + ":" + std::to_string(port);
  beast::error_code ec;
  auto address = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (ec)
    return Error{ErrorCode::kInvalidArgument, "can't listen on " + where + ": " + ec.message()};
  if (auto opened = impl->Open(tcp::endpoint(address, static_cast<unsigned short>(port)));
      !opened.ok()) {
    return Error{ErrorCode::kInvalidArgument,
                 "can't listen on " + where + ": " + opened.error().message};
  }
  int bound = impl->acceptor.local_endpoint().port();
  asio::post(impl->acceptor_strand, [impl = impl.get()] { impl->AcceptPending(); });
  for (int i = 0; i < std::max(1, options.threads); ++i) {
    impl->threads.emplace_back([io = &impl->io] {
      for (;;) {
        try {
          io->run();
          return;
        } catch (const std::exception& e) {
          spdlog::error("HTTP I/O thread: {}", e.what());
        }
      }
    });
  }
  std::unique_ptr<HttpServer> server(new HttpServer(std::move(impl)));
  server->port_ = bound;
  return server;
}

Result<std::unique_ptr<HttpServer>> HttpServer::Listen(HttpHandler handler, const std::string& host,
                                                       int port, const HttpServerOptions& options) {
  return Listen(
      [handler = std::move(handler)](const HttpRequest& request, HttpResponder respond) {
        respond(handler(request));
      },
      host, port, options);
}

Result<std::unique_ptr<HttpServer>> HttpServer::Listen(HttpHandler handler, const std::string& host,
                                                       int port, int threads) {
  HttpServerOptions options;
  options.threads = threads;
  return Listen(std::move(handler), host, port, options);
}

void HttpServer::Stop() {
  if (!impl_ || impl_->stopped) return;
  impl_->stopped = true;
  asio::post(impl_->acceptor_strand, [impl = impl_.get()] {
    impl->closed = true;
    beast::error_code ignored;
    impl->acceptor.close(ignored);
    impl->backoff.cancel();
  });
  auto deadline = std::chrono::steady_clock::now() + impl_->shared->options.stop_timeout;
  while (impl_->shared->in_flight > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::unordered_map<Session*, std::shared_ptr<Session>> abandoned;
  {
    std::lock_guard lock(impl_->shared->mu);
    impl_->shared->open = false;
    abandoned.swap(impl_->shared->awaiting);
  }
  impl_->work.reset();
  impl_->io.stop();
  for (auto& t : impl_->threads) t.join();
  abandoned.clear();
}

}  // namespace wfm
