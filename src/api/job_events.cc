#include "api/job_events.h"

#include <nlohmann/json.hpp>

#include "model/json.h"

namespace wfm {

JobEventHub::JobEventHub(Store& store, JobEventOptions options)
    : store_(store), options_(options), thread_([this] { Run(); }) {}

JobEventHub::~JobEventHub() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  for (auto& [id, subscriber] : subscribers_) subscriber.stream->End();
}

namespace {

Error Full(size_t max_subscribers) {
  return Error{ErrorCode::kUnavailable, "too many event streams open (" +
                                            std::to_string(max_subscribers) + "); retry later"};
}

}  // namespace

Status JobEventHub::CheckRoom() const {
  std::lock_guard lock(mu_);
  if (subscribers_.size() >= options_.max_subscribers) return Full(options_.max_subscribers);
  return OkStatus();
}

void JobEventHub::Subscribe(const std::string& job_id, std::shared_ptr<ResponseStream> stream) {
  {
    std::lock_guard lock(mu_);
    if (subscribers_.size() >= options_.max_subscribers) {
      stream->Write(
          EventText("error", nlohmann::json{{"message", Full(options_.max_subscribers).message}}
                                 .dump()));
      stream->End();
      return;
    }
    subscribers_.emplace(job_id, Subscriber{std::move(stream), -1, {}});
    news_ = true;
  }
  wake_.notify_all();
}

size_t JobEventHub::subscribers() const {
  std::lock_guard lock(mu_);
  return subscribers_.size();
}

std::string JobEventHub::EventText(const std::string& name, const std::string& data) {
  return "event: " + name + "\ndata: " + data + "\n\n";
}

void JobEventHub::Run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    Poll();
    lock.lock();
    // A new subscriber wakes the round at once (its first event without delay).
    wake_.wait_for(lock, options_.poll_interval, [&] { return stopping_ || news_; });
  }
}

void JobEventHub::Poll() {
  std::vector<std::string> ids;
  {
    std::lock_guard lock(mu_);
    news_ = false;
    for (auto it = subscribers_.begin(); it != subscribers_.end();
         it = subscribers_.upper_bound(it->first)) {
      ids.push_back(it->first);
    }
  }
  auto now = std::chrono::steady_clock::now();
  for (const std::string& id : ids) {
    auto job = store_.GetJob(id);  // outside the lock: a slow store delays no subscriber
    std::string event;
    bool ended = false;
    if (job.ok()) {
      event = EventText("job", JobToJson(job.value(), JsonForm::kApi)
                                   .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      ended = IsTerminal(job->status);
    } else if (job.error().code == ErrorCode::kNotFound) {
      event = EventText("error", nlohmann::json{{"message", job.error().message}}.dump());
      ended = true;
    }
    // Otherwise the store can't be read now: the subscribers wait for the next round.
    std::lock_guard lock(mu_);
    auto [first, last] = subscribers_.equal_range(id);
    for (auto it = first; it != last;) {
      Subscriber& subscriber = it->second;
      bool open = true;
      if (!event.empty() && (!job.ok() || subscriber.sent_version != job->version)) {
        open = subscriber.stream->Write(event);
        subscriber.sent_version = job.ok() ? job->version : 0;
        subscriber.last_write = now;
        if (ended) {
          subscriber.stream->End();
          open = false;
        }
      } else if (now - subscriber.last_write >= options_.keep_alive) {
        open = subscriber.stream->Write(": keep-alive\n\n");
        subscriber.last_write = now;
      }
      if (open) {
        ++it;
      } else {
        it = subscribers_.erase(it);
      }
    }
  }
}

}  // namespace wfm
