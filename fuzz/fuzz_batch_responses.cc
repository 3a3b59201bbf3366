// What AWS Batch (or whatever answers at its endpoint) sends back, through every BatchClient
// call, with a fake HttpClient that plays the input's replies.
// Input (text, so that seeds are easy to write): "<Operation> <status>[ <x-amzn-ErrorType>]\n",
// the body, then for each further reply "\n----\n<status>[ <type>]\n" and its body. Once the
// replies are used up, every call gets 200 "{}".
// Contract: every call returns a value or an error (kInvalidArgument or kUnavailable with a
// message); nothing a server sends can crash the service or make a call loop for ever.
#include <spdlog/spdlog.h>

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "aws/batch_client.h"
#include "fuzz_check.h"

namespace {

constexpr size_t kMaxCallsPerInput = 64;

struct Script {
  std::string operation;
  std::vector<wfm::HttpReply> replies;
};

// "<status>[ <type>]" into a reply; false when the status is not a number.
bool ReadStatusLine(const std::string& line, wfm::HttpReply* reply) {
  std::istringstream in(line);
  std::string type;
  if (!(in >> reply->status)) return false;
  if (in >> type) reply->headers.emplace_back("x-amzn-errortype", type);
  return true;
}

bool ReadScript(const std::string& text, Script* script) {
  size_t line_end = text.find('\n');
  if (line_end == std::string::npos) return false;
  std::string first = text.substr(0, line_end);
  size_t space = first.find(' ');
  if (space == std::string::npos) return false;
  script->operation = first.substr(0, space);
  std::string status_line = first.substr(space + 1);
  size_t start = line_end + 1;
  static const std::string kSeparator = "\n----\n";
  for (;;) {
    wfm::HttpReply reply;
    if (!ReadStatusLine(status_line, &reply)) return false;
    size_t end = text.find(kSeparator, start);
    reply.body = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    script->replies.push_back(std::move(reply));
    if (end == std::string::npos) return true;
    size_t next_line = text.find('\n', end + kSeparator.size());
    if (next_line == std::string::npos) return true;
    status_line = text.substr(end + kSeparator.size(), next_line - end - kSeparator.size());
    start = next_line + 1;
  }
}

class ScriptedHttpClient : public wfm::HttpClient {
 public:
  explicit ScriptedHttpClient(std::vector<wfm::HttpReply> replies) : replies_(std::move(replies)) {}
  wfm::Result<wfm::HttpReply> Send(const wfm::HttpCall&) override {
    FUZZ_CHECK(++calls_ <= kMaxCallsPerInput, "a call ends after a bounded number of requests");
    if (next_ < replies_.size()) return replies_[next_++];
    return wfm::HttpReply{200, "{}", {}};
  }

 private:
  std::vector<wfm::HttpReply> replies_;
  size_t next_ = 0;
  size_t calls_ = 0;
};

void CheckStatus(const wfm::Status& status) {
  if (status.ok()) return;
  FUZZ_CHECK(status.error().code == wfm::ErrorCode::kInvalidArgument ||
                 status.error().code == wfm::ErrorCode::kUnavailable,
             "a failed call is kInvalidArgument or kUnavailable");
  FUZZ_CHECK(!status.error().message.empty(), "a failed call says why");
}

template <typename T>
void CheckResult(const wfm::Result<T>& result) {
  if (!result.ok()) CheckStatus(result.error());
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Script script;
  if (!ReadScript(std::string(reinterpret_cast<const char*>(data), size), &script)) return 0;
  ScriptedHttpClient http(script.replies);
  wfm::StaticCredentialsProvider credentials(
      wfm::AwsCredentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", 0});
  wfm::FakeClock clock;
  wfm::BatchClientOptions options;
  options.endpoint = "http://127.0.0.1:9";  // never reached: the fake answers
  options.max_attempts = 3;
  options.base_backoff_ms = 0;
  options.max_backoff_ms = 0;
  options.submit_rate_per_second = 0;
  wfm::BatchClient client(http, credentials, clock, options);

  const std::string& op = script.operation;
  if (op == "SubmitJob") {
    auto id = client.SubmitJob({"job", "queue", "definition:1", {{"A", "b"}}, {{"tag", "v"}}});
    CheckResult(id);
    FUZZ_CHECK(!id.ok() || !id.value().empty(), "a submitted job has a Batch job id");
  } else if (op == "DescribeJobs") {
    CheckResult(client.DescribeJobs({"id-1", "id-2"}));
  } else if (op == "TerminateJob") {
    CheckStatus(client.TerminateJob("id-1", "reason"));
  } else if (op == "CancelJob") {
    CheckStatus(client.CancelJob("id-1", "reason"));
  } else if (op == "ListJobs") {
    CheckResult(client.ListJobsByName("queue", "job"));
  } else if (op == "DescribeJobDefinitionsByName") {
    CheckResult(client.DescribeJobDefinitionsByName("definition", "ACTIVE", false));
  } else if (op == "DescribeJobDefinitions") {
    CheckResult(client.DescribeJobDefinitions({"definition:1", "other:2"}));
  } else {
    return 0;
  }
  CheckStatus(client.Health());
  return 0;
}
