#include "api/job_events.h"

#include <functional>
#include <nlohmann/json.hpp>
#include <vector>

#include "model/json.h"

namespace wfm {

EventHub::EventHub(EventStreamOptions options) : options_(options), thread_([this] { Run(); }) {}

EventHub::~EventHub() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  for (auto& [subject, subscriber] : subscribers_) subscriber.stream->End();
}

namespace {

Error Full(size_t max_subscribers) {
  return Error{ErrorCode::kUnavailable, "too many event streams open (" +
                                            std::to_string(max_subscribers) + "); retry later"};
}

}  // namespace

bool EventHub::Subject::operator<(const Subject& other) const {
  if (source != other.source) return std::less<EventSource*>()(source, other.source);
  return key < other.key;
}

Status EventHub::CheckRoom() const {
  std::lock_guard lock(mu_);
  if (subscribers_.size() >= options_.max_subscribers) return Full(options_.max_subscribers);
  return OkStatus();
}

void EventHub::Subscribe(EventSource& source, const std::string& key, StreamPosition from,
                         std::shared_ptr<ResponseStream> stream) {
  {
    std::lock_guard lock(mu_);
    if (subscribers_.size() >= options_.max_subscribers) {
      stream->Write(ErrorEventText(Full(options_.max_subscribers).message));
      stream->End();
      return;
    }
    subscribers_.emplace(Subject{&source, key},
                         Subscriber{std::move(stream), from, std::chrono::steady_clock::now()});
    news_ = true;
  }
  wake_.notify_all();
}

size_t EventHub::subscribers() const {
  std::lock_guard lock(mu_);
  return subscribers_.size();
}

std::string EventHub::EventText(const std::string& name, const std::string& data,
                                const std::string& id) {
  return "event: " + name + (id.empty() ? "" : "\nid: " + id) + "\ndata: " + data + "\n\n";
}

std::string EventHub::ErrorEventText(const std::string& message) {
  return EventText("error", nlohmann::json{{"message", message}}.dump(
                                -1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void EventHub::Run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    Poll();
    lock.lock();
    // A new subscriber (its first event without delay), or more ready to send, starts the next
    // round at once.
    wake_.wait_for(lock, options_.poll_interval, [&] { return stopping_ || news_; });
  }
}

void EventHub::Poll() {
  // Each subject once, with the positions of its subscribers.
  std::vector<std::pair<Subject, std::set<StreamPosition>>> subjects;
  {
    std::lock_guard lock(mu_);
    news_ = false;
    for (const auto& [subject, subscriber] : subscribers_) {
      if (subjects.empty() || subjects.back().first < subject) subjects.push_back({subject, {}});
      subjects.back().second.insert(subscriber.position);
    }
  }
  auto now = std::chrono::steady_clock::now();
  bool more = false;
  for (const auto& [subject, positions] : subjects) {
    // Outside the lock: a slow store delays no subscriber.
    auto updates = subject.source->Read(subject.key, positions);
    std::lock_guard lock(mu_);
    auto [first, last] = subscribers_.equal_range(subject);
    for (auto it = first; it != last;) {
      auto update = updates.find(it->second.position);
      const StreamUpdate* due = update == updates.end() ? nullptr : &update->second;
      bool open = Deliver(it->second, due, now);
      more = more || (open && due != nullptr && due->more);
      it = open ? std::next(it) : subscribers_.erase(it);
    }
  }
  if (more) {
    std::lock_guard lock(mu_);
    news_ = true;
  }
}

bool EventHub::Deliver(Subscriber& subscriber, const StreamUpdate* update,
                       std::chrono::steady_clock::time_point now) {
  if (update == nullptr) {
    if (now - subscriber.last_write < options_.keep_alive) return true;
    subscriber.last_write = now;
    return subscriber.stream->Write(": keep-alive\n\n");
  }
  bool open = subscriber.stream->Write(update->text);
  subscriber.position = update->next;
  subscriber.last_write = now;
  if (update->ends) {
    subscriber.stream->End();
    return false;
  }
  return open;
}

std::map<StreamPosition, StreamUpdate> JobEvents::Read(const std::string& job_id,
                                                       const std::set<StreamPosition>& positions) {
  std::map<StreamPosition, StreamUpdate> updates;
  auto job = store_.GetJob(job_id);
  StreamUpdate update;
  if (job.ok()) {
    update.text = EventHub::EventText(
        "job", JobToJson(job.value(), JsonForm::kApi)
                   .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    update.next = StreamPosition{job->version, true};
    update.ends = IsTerminal(job->status);
  } else if (job.error().code == ErrorCode::kNotFound) {
    update.text = EventHub::ErrorEventText(job.error().message);
    update.ends = true;
  } else {
    return updates;  // the store can't be read now
  }
  for (const StreamPosition& position : positions) {
    if (position != update.next || !job.ok()) updates.emplace(position, update);
  }
  return updates;
}

}  // namespace wfm
