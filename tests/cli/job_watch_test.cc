// `wfm job watch` against a scripted HTTP service on loopback: the event stream of a service that
// has GET /events, the polling of one that has not, and the errors in between.
#include "cli/job_watch.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "cli/cli_error.h"

namespace wfm::cli {
namespace {

using Json = nlohmann::json;

// An HTTP/1.1 answer that closes the connection.
std::string Answer(int status, const std::string& content_type, const std::string& body,
                   bool with_length = true) {
  std::string head = "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: " + content_type +
                     "\r\nConnection: close\r\n";
  if (with_length) head += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  return head + "\r\n" + body;
}

std::string JsonAnswer(int status, const Json& body) {
  return Answer(status, "application/json", body.dump());
}

// A loopback HTTP server answering each GET target with a fixed answer (404 "no such path"
// otherwise), one connection at a time; it records the targets it was asked for.
class ScriptedService {
 public:
  explicit ScriptedService(std::map<std::string, std::string> answers)
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
  ~ScriptedService() {
    stop_ = true;
    thread_.join();
    close(listener_);
  }

  ServiceAddress address() const { return {"http://127.0.0.1:" + std::to_string(port_), ""}; }
  std::vector<std::string> targets() {
    std::lock_guard lock(mu_);
    return targets_;
  }

 private:
  void Serve() {
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

  std::map<std::string, std::string> answers_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_ = false;
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::string> targets_;
};

Json JobWith(const std::string& job_status, const std::string& task_status) {
  return {{"id", "j1"},
          {"status", job_status},
          {"statusReason", nullptr},
          {"workflow",
           {{"name", "w"},
            {"revision", 0},
            {"startAt", "only"},
            {"states", {{{"name", "only"}, {"next", nullptr}, {"end", true}}}}}},
          {"tasks", {{{"state", "only"}, {"status", task_status}, {"attempt", 1}}}}};
}

std::string Event(const Json& job) { return "event: job\ndata: " + job.dump() + "\n\n"; }

// Runs WatchJob on a captured stdout (not a terminal): the exit code and what it printed.
std::pair<int, std::string> Watch(const ScriptedService& service) {
  ::testing::internal::CaptureStdout();
  int code = -1;
  try {
    code = WatchJob(ServiceClient(service.address()), "j1");
  } catch (...) {
    ::testing::internal::GetCapturedStdout();
    throw;
  }
  return {code, ::testing::internal::GetCapturedStdout()};
}

TEST(WatchJob, FollowsTheEventStream) {
  ScriptedService service(
      {{"/events?job=j1",
        Answer(200, "text/event-stream",
               Event(JobWith("QUEUED", "QUEUED")) + ": keep-alive\n\n" +
                   Event(JobWith("RUNNING", "RUNNING")) + Event(JobWith("SUCCEEDED", "SUCCEEDED")),
               false)}});
  auto [code, out] = Watch(service);
  EXPECT_EQ(code, kWatchSucceeded);
  EXPECT_NE(out.find("job j1 of w (revision 0): QUEUED\nonly: QUEUED (attempt 1)\n"
                     "only: RUNNING (attempt 1)\njob: RUNNING\n"
                     "only: SUCCEEDED (attempt 1)\njob: SUCCEEDED\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("Status:    SUCCEEDED\n"), std::string::npos) << out;   // the final screen
  EXPECT_EQ(service.targets(), std::vector<std::string>{"/events?job=j1"});  // no polling
}

TEST(WatchJob, PollsAServiceWithoutEvents) {
  ScriptedService service({{"/jobs/j1", JsonAnswer(200, JobWith("CANCELLED", "ABORTED_BY_USER"))}});
  auto [code, out] = Watch(service);
  EXPECT_EQ(code, kWatchCancelled);
  EXPECT_NE(out.find("only: ABORTED_BY_USER (attempt 1)\n"), std::string::npos) << out;
  EXPECT_EQ(service.targets(), (std::vector<std::string>{"/events?job=j1", "/jobs/j1"}));
}

TEST(WatchJob, PollsWhenTheStreamEndsBeforeTheJob) {
  ScriptedService service({{"/events?job=j1", Answer(200, "text/event-stream",
                                                     Event(JobWith("RUNNING", "RUNNING")), false)},
                           {"/jobs/j1", JsonAnswer(200, JobWith("FAILED", "FAILED"))}});
  auto [code, out] = Watch(service);
  EXPECT_EQ(code, kWatchFailed);
  EXPECT_NE(out.find("only: RUNNING (attempt 1)\nonly: FAILED (attempt 1)\njob: FAILED\n"),
            std::string::npos)
      << out;
}

TEST(WatchJob, AnUnknownJobIsTheServicesError) {
  ScriptedService service(
      {{"/events?job=j1", JsonAnswer(404, {{"message", "job 'j1' not found"}})}});
  try {
    Watch(service);
    FAIL() << "an unknown job was watched";
  } catch (const CliError& e) {
    EXPECT_EQ(e.exit_code(), kExitServiceError);
    EXPECT_STREQ(e.what(), "job 'j1' not found");
  }
  EXPECT_EQ(service.targets(), std::vector<std::string>{"/events?job=j1"});  // no fallback
}

TEST(WatchJob, NoServiceIsExitCodeThree) {
  int port;
  {
    ScriptedService gone({});
    port = std::stoi(gone.address().server.substr(gone.address().server.rfind(':') + 1));
  }
  try {
    WatchJob(ServiceClient({"http://127.0.0.1:" + std::to_string(port), ""}), "j1");
    FAIL() << "watched without a service";
  } catch (const CliError& e) {
    EXPECT_EQ(e.exit_code(), kExitCannotConnect);
  }
}

}  // namespace
}  // namespace wfm::cli
