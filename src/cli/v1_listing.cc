#include "cli/v1_listing.h"

#include <algorithm>

#include "cli/cli_error.h"
#include "cli/json_fields.h"
#include "cli/time_text.h"

namespace wfm::cli {
namespace {

using Json = nlohmann::json;

constexpr int kMaxPageSize = 1000;

bool IsSuccess(const ServiceReply& reply) { return reply.status >= 200 && reply.status <= 299; }

// Adds the jobs of GET /jobs?<filter> that match to `jobs`, page after page, until the listing
// ends or filter.limit jobs are there. Returns the answer that refused the first page (nullopt
// when every page came); throws CliError when a later page is refused.
std::optional<ServiceReply> CollectJobs(const ServiceClient& client, const JobFilter& filter,
                                        Json* jobs) {
  std::string token;
  bool first = true;
  while (static_cast<int>(jobs->size()) < filter.limit) {
    std::string path = "/jobs?" + JobQuery(filter, std::min(filter.limit, kMaxPageSize), token);
    ServiceReply reply = client.Send("GET", path);
    if (!IsSuccess(reply)) {
      if (first) return reply;
      throw CliError(kExitServiceError, ErrorMessageOf(reply));
    }
    first = false;
    Json page = Json::parse(reply.body, nullptr, /*allow_exceptions=*/false);
    if (!page.is_array()) throw CliError(kExitServiceError, "GET /jobs did not answer a list");
    for (auto& job : page) {
      if (static_cast<int>(jobs->size()) == filter.limit) break;
      if (JobMatches(job, filter)) jobs->push_back(std::move(job));
    }
    token = reply.next_page_token;
    if (token.empty()) break;
  }
  return std::nullopt;
}

// The older service's answer to GET /jobs without workflowName.
bool NeedsWorkflowName(const ServiceReply& reply) {
  return reply.status == 400 && ErrorMessageOf(reply).find("workflowName") != std::string::npos;
}

// ListJobs for a service that lists one workflow's jobs at a time.
Json ListJobsOfEveryWorkflow(const ServiceClient& client, const JobFilter& filter) {
  Json jobs = Json::array();
  for (const auto& workflow : client.Call("GET", "/workflows")) {
    JobFilter one = filter;
    one.workflow = TextField(workflow, "name");
    if (auto refused = CollectJobs(client, one, &jobs)) {
      throw CliError(kExitServiceError, ErrorMessageOf(*refused));
    }
  }
  std::stable_sort(jobs.begin(), jobs.end(), [](const Json& a, const Json& b) {
    return TextField(a, "createdAt") > TextField(b, "createdAt");
  });
  if (static_cast<int>(jobs.size()) > filter.limit)
    jobs.erase(jobs.begin() + filter.limit, jobs.end());
  return jobs;
}

}  // namespace

bool JobMatches(const Json& job, const JobFilter& filter) {
  if (!filter.status.empty() && TextField(job, "status") != filter.status) return false;
  if (!filter.since && !filter.until) return true;
  auto created = ParseRfc3339(TextField(job, "createdAt"));
  if (!created) return true;
  if (filter.since && *created < *filter.since) return false;
  if (filter.until && *created >= *filter.until) return false;
  return true;
}

std::string JobQuery(const JobFilter& filter, int page_size, const std::string& page_token) {
  std::string query = "limit=" + std::to_string(page_size);
  if (!filter.workflow.empty()) query += "&workflowName=" + UrlEncode(filter.workflow);
  if (!filter.status.empty()) query += "&status=" + UrlEncode(filter.status);
  if (filter.since) query += "&since=" + UrlEncode(FormatTimestamp(*filter.since));
  if (filter.until) query += "&until=" + UrlEncode(FormatTimestamp(*filter.until));
  if (!page_token.empty()) query += "&pageToken=" + UrlEncode(page_token);
  return query;
}

Json ListJobs(const ServiceClient& client, const JobFilter& filter) {
  Json jobs = Json::array();
  auto refused = CollectJobs(client, filter, &jobs);
  if (!refused) return jobs;
  if (filter.workflow.empty() && NeedsWorkflowName(*refused)) {
    return ListJobsOfEveryWorkflow(client, filter);
  }
  throw CliError(kExitServiceError, ErrorMessageOf(*refused));
}

Json ListRevisions(const ServiceClient& client, const std::string& name) {
  std::string path = "/workflows/" + UrlEncode(name);
  ServiceReply reply = client.Send("GET", path + "/revisions");
  if (IsSuccess(reply)) {
    Json revisions = Json::parse(reply.body, nullptr, /*allow_exceptions=*/false);
    if (!revisions.is_array()) throw CliError(kExitServiceError, "the revisions are not a list");
    return revisions;
  }
  // An older service reads "revisions" as a revision number (400): ask for each revision.
  if (reply.status != 400) throw CliError(kExitServiceError, ErrorMessageOf(reply));
  Json latest = client.Call("GET", path);
  Json revisions = Json::array({latest});
  for (int64_t revision = IntField(latest, "revision").value_or(0) - 1; revision >= 0; --revision) {
    revisions.push_back(client.Call("GET", path + "/" + std::to_string(revision)));
  }
  return revisions;
}

}  // namespace wfm::cli
