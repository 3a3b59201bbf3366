// Server-Sent Events of jobs (GET /events?job=ID): each subscriber gets the job's JSON (as GET
// /jobs/{id} answers it) at once and after each change, a keep-alive comment while nothing
// changes, and its stream ends after the event where the job has ended. Changes are found by
// reading the subscribed jobs from the store every poll interval (one read per job, however many
// watch it), so any replica serves them, whichever one runs the job.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "api/http_message.h"
#include "core/result.h"
#include "store/store.h"

namespace wfm {

struct JobEventOptions {
  std::chrono::milliseconds poll_interval{250};
  std::chrono::milliseconds keep_alive{15'000};
  size_t max_subscribers = 1000;
};

class JobEventHub {
 public:
  explicit JobEventHub(Store& store, JobEventOptions options = {});
  ~JobEventHub();  // ends every stream and stops its thread

  // Errors: kUnavailable when max_subscribers streams are open (the caller answers 503).
  Status CheckRoom() const;
  // Adds a subscriber of `job_id`; its first event is sent at once (on the hub's thread). When
  // max_subscribers are open already, the stream gets an `error` event and ends. Called on an I/O
  // thread: does not block.
  void Subscribe(const std::string& job_id, std::shared_ptr<ResponseStream> stream);

  // Subscribers now (for tests and metrics).
  size_t subscribers() const;

  // The text of one event named `name` whose data is `data` (one line).
  static std::string EventText(const std::string& name, const std::string& data);

 private:
  struct Subscriber {
    std::shared_ptr<ResponseStream> stream;
    int64_t sent_version = -1;  // the job version of the last event sent
    std::chrono::steady_clock::time_point last_write;
  };
  void Run();
  // One round: reads each subscribed job once and writes to the subscribers that need it.
  void Poll();

  Store& store_;
  const JobEventOptions options_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool news_ = false;                                   // a subscriber waits for its first event
  std::multimap<std::string, Subscriber> subscribers_;  // by job id
  std::thread thread_;
};

}  // namespace wfm
