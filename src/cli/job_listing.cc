#include "cli/job_listing.h"

#include <algorithm>

#include "cli/cli_error.h"

namespace wfm::cli {
namespace {

constexpr int kMaxPageSize = 1000;  // the most GET /jobs answers at once

}  // namespace

std::string JobQuery(const JobFilter& filter, int page_size, const std::string& page_token) {
  std::string query = "limit=" + std::to_string(page_size);
  if (!filter.workflow.empty()) query += "&workflowName=" + UrlEncode(filter.workflow);
  if (!filter.status.empty()) query += "&status=" + UrlEncode(filter.status);
  if (filter.since) query += "&since=" + UrlEncode(FormatTimestamp(*filter.since));
  if (filter.until) query += "&until=" + UrlEncode(FormatTimestamp(*filter.until));
  if (!page_token.empty()) query += "&pageToken=" + UrlEncode(page_token);
  return query;
}

nlohmann::json ListJobs(const ServiceClient& client, const JobFilter& filter) {
  nlohmann::json jobs = nlohmann::json::array();
  std::string token;
  do {
    int wanted = std::min(filter.limit - static_cast<int>(jobs.size()), kMaxPageSize);
    ServiceReply reply = client.Send("GET", "/jobs?" + JobQuery(filter, wanted, token));
    if (reply.status < 200 || reply.status > 299) throw ServiceError(reply);
    auto page = nlohmann::json::parse(reply.body, nullptr, /*allow_exceptions=*/false);
    if (!page.is_array()) throw CliError(kExitServiceError, "GET /jobs did not answer a list");
    for (auto& job : page) {
      if (static_cast<int>(jobs.size()) == filter.limit) break;
      jobs.push_back(std::move(job));
    }
    token = reply.next_page_token;
  } while (!token.empty() && static_cast<int>(jobs.size()) < filter.limit);
  return jobs;
}

}  // namespace wfm::cli
