#include "api/http_server.h"

#include <errno.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cstring>
#include <deque>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "api/client_rate_limiter.h"
#include "core/ids.h"

namespace wfm {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kAcceptBackoff = std::chrono::milliseconds(100);
constexpr auto kAcceptErrorLogInterval = std::chrono::seconds(5);
constexpr int kAcceptsPerTurn = 64;

// Every response names its request: the client's X-Request-Id when it is a fit one, else one the
// server makes. Handlers find it among the request's headers.
constexpr const char* kRequestIdHeader = "X-Request-Id";

// The client's request id when it is 1 to 128 characters of letters, digits, '.', '_' and '-'
// (safe to log and to echo), else a new UUID.
std::string RequestIdOf(std::string_view sent) {
  bool fit = !sent.empty() && sent.size() <= 128;
  for (char c : sent) {
    fit = fit && (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-');
  }
  return fit ? std::string(sent) : NewUuid();
}

HttpResponse JsonError(int status, const std::string& message) {
  return HttpResponse{status, "application/json", nlohmann::json{{"message", message}}.dump(), {}, false, {}};
}

// A refusal for a request header whose framing or routing can't be trusted (RFC 9112 §3.2, §6.1,
// §6.3): a Transfer-Encoding other than exactly "chunked", one together with Content-Length (the
// two could delimit the body differently, smuggling a request), or not exactly one non-empty
// Host. Nothing when the header is fine.
template <typename Header>
std::optional<HttpResponse> CheckFraming(const Header& header) {
  size_t encodings = 0, lengths = 0, hosts = 0;
  std::string encoding;
  bool empty_host = false;
  for (const auto& field : header) {
    if (field.name() == http::field::transfer_encoding) {
      ++encodings;
      encoding = std::string(field.value());
    } else if (field.name() == http::field::content_length) {
      ++lengths;
    } else if (field.name() == http::field::host) {
      ++hosts;
      empty_host = field.value().find_first_not_of(" \t") == beast::string_view::npos;
    }
  }
  if (encodings > 0) {
    size_t first = encoding.find_first_not_of(" \t");
    size_t last = encoding.find_last_not_of(" \t");
    std::string coding = first == std::string::npos ? "" : encoding.substr(first, last - first + 1);
    if (encodings > 1 || !beast::iequals(coding, "chunked")) {
      return JsonError(400, "only 'Transfer-Encoding: chunked' is accepted");
    }
    if (lengths > 0) return JsonError(400, "both Content-Length and Transfer-Encoding were sent");
  }
  if (header.version() >= 11 && (hosts != 1 || empty_host)) {
    return JsonError(400, "an HTTP/1.1 request needs exactly one non-empty Host header");
  }
  return std::nullopt;
}

class SessionBase;

// What the server, its sessions and the responders it hands out share. Responders may outlive the
// server: they reach a session only through `awaiting`, under `mu`, while `open`.
struct Shared {
  Shared(AsyncHttpHandler handler, HttpServerOptions options)
      : handler(std::move(handler)),
        options(std::move(options)),
        rate_limiter(this->options.rate_limit, this->options.rate_burst > 0
                                                   ? this->options.rate_burst
                                                   : 2 * this->options.rate_limit) {}

  const AsyncHttpHandler handler;
  const HttpServerOptions options;
  ClientRateLimiter rate_limiter;
  std::atomic<int> in_flight{0};    // requests read (or refused) and not yet answered
  std::atomic<int> connections{0};  // sessions alive

  std::mutex mu;
  bool open = true;  // false once the server stopped: responders do nothing
  // Sessions whose request is with the handler, kept alive until their answer is on its way.
  std::unordered_map<SessionBase*, std::shared_ptr<SessionBase>> awaiting;
};

// A connection, as the responders see it.
class SessionBase : public std::enable_shared_from_this<SessionBase> {
 public:
  explicit SessionBase(std::shared_ptr<Shared> shared) : shared_(std::move(shared)) {
    ++shared_->connections;
  }
  virtual ~SessionBase() { --shared_->connections; }
  // Writes `response` to the request under way, later, on the session's strand.
  virtual void Answer(HttpResponse response) = 0;

 protected:
  std::shared_ptr<Shared> shared_;
};

// Delivers one answer to one session, at most once; an answer never given is a 500.
class ResponderState {
 public:
  ResponderState(std::shared_ptr<Shared> shared, SessionBase* session)
      : shared_(std::move(shared)), session_(session) {}
  ~ResponderState() {
    if (!answered_) Deliver(JsonError(500, "the request was not answered"));
  }
  void Deliver(HttpResponse response);

 private:
  std::shared_ptr<Shared> shared_;
  SessionBase* session_;
  std::atomic<bool> answered_{false};
};

// True for "METHOD target HTTP/1.0" or "HTTP/1.1" (RFC 9112 request-line); HTTP/0.9 and garbage
// fail. Checked before Beast parses the header so that they are answered at once.
bool IsRequestLine(std::string_view line) {
  size_t method_end = line.find(' ');
  if (method_end == 0 || method_end == std::string_view::npos) return false;
  for (char c : line.substr(0, method_end)) {
    if (!std::isupper(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  size_t target_end = line.find(' ', method_end + 1);
  if (target_end == std::string_view::npos || target_end == method_end + 1) return false;
  for (char c : line.substr(method_end + 1, target_end - method_end - 1)) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) return false;
  }
  std::string_view version = line.substr(target_end + 1);
  return version == "HTTP/1.1" || version == "HTTP/1.0";
}

// One client connection (Stream: beast::tcp_stream, or an ssl_stream over one): reads a request,
// hands it to the handler, writes its answer, repeats. Everything runs on the stream's strand.
template <class Stream>
class Session final : public SessionBase {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  template <class... StreamArgs>
  Session(std::shared_ptr<Shared> shared, std::string remote_address, StreamArgs&&... stream_args)
      : SessionBase(std::move(shared)),
        stream_(std::forward<StreamArgs>(stream_args)...),
        deadline_(stream_.get_executor()),
        remote_address_(std::move(remote_address)) {}

  // Serves the connection; with `refusal`, answers it at once with that and closes.
  void Start(std::optional<HttpResponse> refusal) {
    asio::post(stream_.get_executor(), [self = Self(), refusal = std::move(refusal)]() mutable {
      self->Handshake(std::move(refusal));
    });
  }

  void Answer(HttpResponse response) override {
    asio::post(stream_.get_executor(), [self = Self(), response = std::move(response)]() mutable {
      self->WriteAnswer(std::move(response));
    });
  }

 private:
  std::shared_ptr<Session> Self() { return std::static_pointer_cast<Session>(shared_from_this()); }
  auto& Socket() { return beast::get_lowest_layer(stream_).socket(); }

  void Handshake(std::optional<HttpResponse> refusal) {
    if constexpr (kTls) {
      Arm(shared_->options.request_timeout);
      stream_.async_handshake(
          asio::ssl::stream_base::server,
          [self = Self(), refusal = std::move(refusal)](beast::error_code ec) mutable {
            self->Disarm();
            if (ec) return self->Close();
            self->Serve(std::move(refusal));
          });
    } else {
      Serve(std::move(refusal));
    }
  }

  void Serve(std::optional<HttpResponse> refusal) {
    if (refusal) return Refuse(std::move(*refusal));
    ReadRequestLine();
  }

  // The deadline of what the session waits for: when it passes, the pending operation is
  // cancelled and `timed_out_` set.
  void Arm(std::chrono::milliseconds after) {
    deadline_.expires_after(after);
    deadline_.async_wait(
        [self = Self(), generation = ++deadline_generation_](beast::error_code ec) {
          if (ec || generation != self->deadline_generation_) return;
          self->timed_out_ = true;
          beast::error_code ignored;
          self->Socket().cancel(ignored);
        });
  }
  void Disarm() {
    ++deadline_generation_;
    deadline_.cancel();
  }

  // Reads until the request line is complete, checking it (and its length) on the way. Waits
  // up to the idle timeout for a first byte; from then on the whole request has request_timeout.
  void ReadRequestLine() {
    request_id_.clear();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(shared_->options.max_url_bytes +
                                                     shared_->options.max_header_bytes));
    parser_->body_limit(shared_->options.max_body_bytes);
    timed_out_ = false;
    request_started_ = false;
    ContinueRequestLine();
  }

  void ContinueRequestLine() {
    std::string_view data(static_cast<const char*>(buffer_.data().data()), buffer_.size());
    size_t blank = data.find_first_not_of("\r\n");  // empty lines before a request are allowed
    if (blank == std::string_view::npos) blank = data.size();
    buffer_.consume(blank);
    data.remove_prefix(blank);
    if (size_t eol = data.find('\n'); eol != std::string_view::npos) {
      std::string_view line = data.substr(0, eol);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (!IsRequestLine(line)) {
        return Refuse(JsonError(400,
                                "malformed HTTP request line (expected METHOD TARGET "
                                "HTTP/1.1)"));
      }
      if (line.size() > shared_->options.max_url_bytes + kRequestLineOverhead) return UrlTooLong();
      return ReadHeader();
    }
    if (data.size() > shared_->options.max_url_bytes + kRequestLineOverhead) return UrlTooLong();
    if (!data.empty() && !request_started_) {
      request_started_ = true;
      Arm(shared_->options.request_timeout);
    } else if (data.empty()) {
      Arm(shared_->options.idle_timeout);
    }
    stream_.async_read_some(buffer_.prepare(kReadChunk),
                            [self = Self()](beast::error_code ec, size_t bytes) {
                              self->buffer_.commit(bytes);
                              if (ec) return self->OnReadError(ec);
                              self->ContinueRequestLine();
                            });
  }

  void ReadHeader() {
    if (!request_started_) {
      request_started_ = true;
      Arm(shared_->options.request_timeout);
    }
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = Self()](beast::error_code ec, size_t header_bytes) {
                              if (ec) return self->OnReadError(ec);
                              self->OnHeader(header_bytes);
                            });
  }

  void OnHeader(size_t header_bytes) {
    const auto& header = parser_->get();
    const auto& options = shared_->options;
    if (header.target().size() > options.max_url_bytes) return UrlTooLong();
    if (header_bytes > header.target().size() + options.max_header_bytes) {
      return Refuse(JsonError(431, "request header larger than " +
                                       std::to_string(options.max_header_bytes) + " bytes"));
    }
    if (static_cast<size_t>(std::distance(header.begin(), header.end())) >
        options.max_header_fields) {
      return Refuse(JsonError(431, "more than " + std::to_string(options.max_header_fields) +
                                       " request header fields"));
    }
    if (auto refusal = CheckFraming(header)) return Refuse(std::move(*refusal));
    if (int retry_after =
            shared_->rate_limiter.Admit(remote_address_, std::chrono::steady_clock::now())) {
      HttpResponse refusal = JsonError(429, "too many requests from " + remote_address_);
      refusal.headers["Retry-After"] = std::to_string(retry_after);
      return Refuse(std::move(refusal));
    }
    if (parser_->is_done()) return OnRequest();
    if (beast::iequals(header[http::field::expect], "100-continue")) {
      // The client waits for this before it sends its body (curl does for bodies over 1 KiB).
      static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      return asio::async_write(stream_, asio::buffer(kContinue),
                               [self = Self()](beast::error_code ec, size_t) {
                                 if (ec) return self->Close();
                                 self->ReadBody();
                               });
    }
    ReadBody();
  }

  void ReadBody() {
    http::async_read(stream_, buffer_, *parser_, [self = Self()](beast::error_code ec, size_t) {
      if (ec) return self->OnReadError(ec);
      self->OnRequest();
    });
  }

  void OnReadError(beast::error_code ec) {
    if (timed_out_) {
      if (!request_started_) return Close();  // idle
      return Refuse(JsonError(408, "the request did not arrive within " +
                                       std::to_string(shared_->options.request_timeout.count()) +
                                       " ms"));
    }
    if (ec == http::error::body_limit) {
      return Refuse(JsonError(413, "request body larger than " +
                                       std::to_string(shared_->options.max_body_bytes) + " bytes"));
    }
    if (ec == http::error::header_limit) {  // the request line was checked already
      return Refuse(JsonError(431, "request header larger than " +
                                       std::to_string(shared_->options.max_header_bytes) +
                                       " bytes"));
    }
    if (ec != http::error::end_of_stream && ec != http::error::partial_message &&
        ec.category() == http::make_error_code(http::error::bad_method).category()) {
      return Refuse(JsonError(400, "malformed HTTP request: " + ec.message()));
    }
    Close();  // the client went away (or the connection broke): nobody to answer
  }

  void UrlTooLong() {
    Refuse(JsonError(414, "request target longer than " +
                              std::to_string(shared_->options.max_url_bytes) + " bytes"));
  }

  void OnRequest() {
    Disarm();
    ++shared_->in_flight;
    const auto& message = parser_->get();
    HttpRequest request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    request.body = message.body();
    request.remote_address = remote_address_;
    auto sent_id = message[kRequestIdHeader];
    request_id_ = RequestIdOf(std::string_view(sent_id.data(), sent_id.size()));
    for (const auto& field : message) {
      if (beast::iequals(field.name_string(), kRequestIdHeader)) continue;
      request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    request.headers.emplace_back(kRequestIdHeader, request_id_);
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
      return Close();
    }
    if (response.stream) return StartStream(std::move(response));
    Write(std::move(response), parser_->get().keep_alive());
  }

  // Queues bytes of a streamed body (see ResponseStream::Write). Any thread.
  bool QueueStreamed(std::string bytes) {
    if (stream_ended_ || stream_end_asked_) return false;
    {
      std::lock_guard lock(shared_->mu);
      if (!shared_->open) return false;
    }
    if (streamed_queued_bytes_.fetch_add(bytes.size()) + bytes.size() > kMaxStreamQueueBytes) {
      stream_ended_ = true;  // the client reads too slowly: give up on it
      asio::post(stream_.get_executor(), [self = Self()] { self->Close(); });
      return false;
    }
    asio::post(stream_.get_executor(), [self = Self(), bytes = std::move(bytes)]() mutable {
      self->streamed_.push_back(std::move(bytes));
      if (!self->stream_writing_) self->WriteStreamed();
    });
    return true;
  }

  // Ends a streamed body once its queue is written (see ResponseStream::End). Any thread.
  void EndStreamed() {
    if (stream_end_asked_.exchange(true)) return;
    asio::post(stream_.get_executor(), [self = Self()] {
      self->stream_ending_ = true;
      if (!self->stream_writing_) self->WriteStreamed();
    });
  }

  // Answers what can't be served (counted in flight until written), then closes.
  void Refuse(HttpResponse response) {
    ++shared_->in_flight;
    Write(std::move(response), false);
  }

  // Writes `response`, then reads the next request or closes. Ends one request in flight.
  void Write(HttpResponse response, bool keep_alive) {
    auto message = std::make_shared<http::response<http::string_body>>();
    message->result(static_cast<unsigned>(response.status));
    message->version(11);
    message->set(http::field::server, "workflow-manager");
    message->set(http::field::content_type, response.content_type);
    message->set(kRequestIdHeader, request_id_.empty() ? NewUuid() : request_id_);
    for (const auto& [k, v] : response.headers) message->set(k, v);
    message->body() = std::move(response.body);
    message->keep_alive(keep_alive);
    message->prepare_payload();
    timed_out_ = false;
    Arm(shared_->options.request_timeout);
    http::async_write(stream_, *message, [self = Self(), message](beast::error_code ec, size_t) {
      --self->shared_->in_flight;
      self->Disarm();
      if (ec) return self->Close();
      if (!message->keep_alive()) return self->Linger();
      self->ReadRequestLine();
    });
  }

  // Writes the status and headers of a streamed response, then hands the body's sink to its
  // producer. The connection serves nothing else and closes when the stream ends.
  void StartStream(HttpResponse response) {
    auto message = std::make_shared<http::response<http::empty_body>>();
    message->result(static_cast<unsigned>(response.status));
    message->version(11);
    message->set(http::field::server, "workflow-manager");
    message->set(http::field::content_type, response.content_type);
    message->set(kRequestIdHeader, request_id_);
    for (const auto& [k, v] : response.headers) message->set(k, v);
    message->keep_alive(false);
    auto serializer = std::make_shared<http::response_serializer<http::empty_body>>(*message);
    Arm(shared_->options.request_timeout);
    http::async_write_header(
        stream_, *serializer,
        [self = Self(), message, serializer, producer = std::move(response.stream)](
            beast::error_code ec, size_t) {
          --self->shared_->in_flight;
          self->Disarm();
          if (ec) {
            self->stream_ended_ = true;
            return self->Close();
          }
          self->WatchForHangUp();
          producer(std::make_shared<StreamSink>(self));
        });
  }

  // Writes the queued pieces of a streamed body one after the other; closes once it is ended and
  // written.
  void WriteStreamed() {
    if (stream_ended_) return;
    if (streamed_.empty()) {
      if (stream_ending_) {
        stream_ended_ = true;
        beast::error_code ignored;
        Socket().shutdown(tcp::socket::shutdown_send, ignored);
        Close();
      }
      return;
    }
    stream_writing_ = true;
    auto piece = std::make_shared<std::string>(std::move(streamed_.front()));
    streamed_.pop_front();
    Arm(shared_->options.request_timeout);
    asio::async_write(stream_, asio::buffer(*piece),
                      [self = Self(), piece](beast::error_code ec, size_t) {
                        self->Disarm();
                        self->stream_writing_ = false;
                        self->streamed_queued_bytes_ -= piece->size();
                        if (ec) {
                          self->stream_ended_ = true;
                          return self->Close();
                        }
                        self->WriteStreamed();
                      });
  }

  // While a body streams, reads (and drops) what the client sends, to see it hang up at once.
  void WatchForHangUp() {
    buffer_.clear();
    stream_.async_read_some(buffer_.prepare(kReadChunk),
                            [self = Self()](beast::error_code ec, size_t) {
                              if (ec) {
                                self->stream_ended_ = true;
                                return self->Close();
                              }
                              self->WatchForHangUp();
                            });
  }

  // The sink handed to a streamed response's producer: holds the session weakly, so a stream
  // whose client went away costs nothing but this.
  class StreamSink final : public ResponseStream {
   public:
    explicit StreamSink(const std::shared_ptr<Session>& session) : session_(session) {}
    ~StreamSink() override { End(); }
    bool Write(std::string bytes) override {
      auto session = session_.lock();
      return session && session->QueueStreamed(std::move(bytes));
    }
    void End() override {
      if (auto session = session_.lock()) session->EndStreamed();
    }

   private:
    std::weak_ptr<Session> session_;
  };

  // Half-closes, then reads and drops what the client still sends (for a short while) before
  // closing: closing with unread data would reset the connection and lose the answer.
  void Linger() {
    beast::error_code ignored;
    Socket().shutdown(tcp::socket::shutdown_send, ignored);
    lingered_ = 0;
    Arm(kLingerTime);
    Drain();
  }
  void Drain() {
    buffer_.clear();
    stream_.async_read_some(buffer_.prepare(kReadChunk),
                            [self = Self()](beast::error_code ec, size_t bytes) {
                              self->lingered_ += bytes;
                              if (ec || self->lingered_ > kLingerBytes) return self->Close();
                              self->Drain();
                            });
  }

  void Close() {
    Disarm();
    beast::error_code ignored;
    Socket().shutdown(tcp::socket::shutdown_both, ignored);
    Socket().close(ignored);
  }

  static constexpr size_t kReadChunk = 4096;
  static constexpr size_t kRequestLineOverhead = 32;  // method, spaces, version
  static constexpr auto kLingerTime = std::chrono::seconds(2);
  static constexpr size_t kLingerBytes = 1 << 20;
  // A streamed body's bytes waiting for a slow client, at most; beyond it the stream ends.
  static constexpr size_t kMaxStreamQueueBytes = 1 << 20;

  Stream stream_;
  asio::steady_timer deadline_;
  unsigned deadline_generation_ = 0;
  bool timed_out_ = false;
  bool request_started_ = false;
  size_t lingered_ = 0;
  const std::string remote_address_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::string request_id_;  // of the request under way; "" until its header is read
  // A streamed response's body (on the strand, but stream_ended_ and the byte count: any thread).
  std::deque<std::string> streamed_;
  bool stream_writing_ = false;
  bool stream_ending_ = false;
  std::atomic<bool> stream_ended_{false};
  std::atomic<bool> stream_end_asked_{false};
  std::atomic<size_t> streamed_queued_bytes_{0};
};

void ResponderState::Deliver(HttpResponse response) {
  if (answered_.exchange(true)) return;  // answered already
  // Handed to the strand while the server still runs, under the lock that Stop takes: the post
  // keeps the session alive, and io_context's destruction releases it if the server stops first.
  std::lock_guard lock(shared_->mu);
  if (!shared_->open) return;
  auto it = shared_->awaiting.find(session_);
  if (it == shared_->awaiting.end()) return;
  std::shared_ptr<SessionBase> session = std::move(it->second);
  shared_->awaiting.erase(it);
  session->Answer(std::move(response));
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

// OpenSSL's reason for `ec` where it has one ("no start line", "key values mismatch", ...).
std::string TlsErrorMessage(const beast::error_code& ec) {
  if (ec.category() == asio::error::get_ssl_category()) {
    if (const char* reason = ERR_reason_error_string(static_cast<unsigned long>(ec.value()))) {
      return reason;
    }
  }
  return ec.message();
}

// Loads the certificate chain and private key (PEM files) into `context`. Errors: kInvalidArgument
// naming the file that can't be used.
Status LoadTls(const HttpServerOptions& options, asio::ssl::context& context) {
  if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
    return Error{ErrorCode::kInvalidArgument,
                 "TLS needs both a certificate and a private key (--tls-cert and --tls-key)"};
  }
  context.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                      asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                      asio::ssl::context::no_tlsv1_1);
  for (const auto& file : {options.tls_cert_file, options.tls_key_file}) {
    if (!std::ifstream(file)) {
      return Error{ErrorCode::kInvalidArgument,
                   "can't read the TLS file '" + file + "': " + strerror(errno)};
    }
  }
  beast::error_code ec;
  context.use_certificate_chain_file(options.tls_cert_file, ec);
  if (ec) {
    return Error{
        ErrorCode::kInvalidArgument,
        "can't use the TLS certificate '" + options.tls_cert_file + "': " + TlsErrorMessage(ec)};
  }
  context.use_private_key_file(options.tls_key_file, asio::ssl::context::pem, ec);
  if (ec) {
    return Error{
        ErrorCode::kInvalidArgument,
        "can't use the TLS private key '" + options.tls_key_file + "': " + TlsErrorMessage(ec)};
  }
  if (SSL_CTX_check_private_key(context.native_handle()) != 1) {
    return Error{ErrorCode::kInvalidArgument, "the TLS private key '" + options.tls_key_file +
                                                  "' does not match the certificate '" +
                                                  options.tls_cert_file + "'"};
  }
  return OkStatus();
}

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
    std::optional<HttpResponse> refusal;
    if (shared->connections >= shared->options.max_connections) {
      refusal = JsonError(503, "too many connections (" +
                                   std::to_string(shared->options.max_connections) +
                                   "); try again later");
    }
    std::string address = remote.address().to_string();
    if (tls) {
      std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(shared, std::move(address),
                                                                      std::move(socket), *tls)
          ->Start(std::move(refusal));
    } else {
      std::make_shared<Session<beast::tcp_stream>>(shared, std::move(address), std::move(socket))
          ->Start(std::move(refusal));
    }
  }

  std::shared_ptr<Shared> shared;
  std::optional<asio::ssl::context> tls;  // set: every connection speaks TLS
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
  if (!options.tls_cert_file.empty() || !options.tls_key_file.empty()) {
    impl->tls.emplace(asio::ssl::context::tls_server);
    if (auto loaded = LoadTls(options, *impl->tls); !loaded.ok()) return loaded.error();
  }
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
  std::unordered_map<SessionBase*, std::shared_ptr<SessionBase>> abandoned;
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
