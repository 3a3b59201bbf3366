// fake-batch-server: the fake AWS Batch (fake_batch.h) as a program, for end-to-end tests of the
// service and for checking the fake with the official JavaScript SDK.
//   fake-batch-server --port-file FILE --access-key ID --secret KEY --region REGION [--config JSON]
// Listens on 127.0.0.1 (a free port, written to FILE). Besides the Batch API it answers, unsigned:
//   GET /_fake/stats    what it saw (FakeBatch::Stats)
//   POST /_fake/config  new settings (FakeBatch::Configure)
// Stops on SIGTERM or SIGINT.
#include <signal.h>

#include <CLI/CLI.hpp>
#include <fstream>
#include <sstream>

#include "api/http_server.h"
#include "fake_batch/fake_batch.h"

using namespace wfm;

int main(int argc, char** argv) {
  std::string port_file, access_key, secret, region = "us-east-1", config_file;
  CLI::App app{"a fake AWS Batch for tests"};
  app.add_option("--port-file", port_file, "where to write the port")->required();
  app.add_option("--access-key", access_key, "the only access key id accepted")->required();
  app.add_option("--secret", secret, "its secret access key")->required();
  app.add_option("--region", region, "the region in signatures");
  app.add_option("--config", config_file, "settings (JSON, see FakeBatch::Configure)");
  CLI11_PARSE(app, argc, argv);

  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  SystemClock clock;
  FakeBatch fake(clock, access_key, secret, region);
  if (!config_file.empty()) {
    std::ifstream in(config_file);
    std::stringstream text;
    text << in.rdbuf();
    auto config = nlohmann::json::parse(text.str(), nullptr, false);
    if (config.is_discarded()) {
      fprintf(stderr, "fake-batch-server: %s is not JSON\n", config_file.c_str());
      return 2;
    }
    fake.Configure(config);
  }
  auto server = HttpServer::Listen(
      [&fake](const HttpRequest& request) {
        if (request.target == "/_fake/stats")
          return HttpResponse{200, "application/json", fake.Stats().dump(), {}, false, {}};
        if (request.target == "/_fake/config" && request.method == "POST") {
          auto config = nlohmann::json::parse(request.body, nullptr, false);
          if (config.is_discarded()) return HttpResponse{400, "application/json", "{}", {}, false, {}};
          fake.Configure(config);
          return HttpResponse{200, "application/json", "{}", {}, false, {}};
        }
        return fake.Handle(request);
      },
      "127.0.0.1", 0, 8);
  if (!server.ok()) {
    fprintf(stderr, "fake-batch-server: %s\n", server.error().message.c_str());
    return 1;
  }
  std::ofstream(port_file) << server.value()->port() << "\n";
  int signal_number = 0;
  sigwait(&stop, &signal_number);
  server.value()->Stop();
  return 0;
}
