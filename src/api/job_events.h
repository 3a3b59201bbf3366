// Server-Sent Events (GET /events): each subscriber follows one subject, a job or a Step Functions
// execution, and gets an event at once, another after each change, a keep-alive comment while
// nothing changes, and the end of its stream after the event where the subject has ended. Changes
// are found by reading the subscribed subjects from the store every poll interval (one read per
// subject and round, however many watch it), so any replica serves them, whichever one runs the
// subject. EventHub does the polling, the keep-alives and the limit of streams for every kind of
// subject; an EventSource says what is read and sent: JobEvents (here) for jobs, ExecutionEvents
// (execution_events.h) for executions.
#pragma once

#include <chrono>
#include <compare>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "api/http_message.h"
#include "core/result.h"
#include "store/store.h"

namespace wfm {

struct EventStreamOptions {
  std::chrono::milliseconds poll_interval{250};
  std::chrono::milliseconds keep_alive{15'000};
  size_t max_subscribers = 1000;  // streams open at once, of every kind of subject together
};

// What a subscriber has of its subject, as the subject's source counts it (a job's version, the
// id of an execution's last history event), and whether this stream has sent it anything yet.
struct StreamPosition {
  int64_t last = 0;
  bool started = false;
  auto operator<=>(const StreamPosition&) const = default;
};

// What a subscriber at some position is sent in one round.
struct StreamUpdate {
  std::string text;     // the event, as written to the stream
  StreamPosition next;  // the subscriber's position once `text` is sent
  bool ends = false;    // the stream ends after `text`
  bool more = false;    // more is ready already: the next round starts without waiting
};

// Reads one kind of subject for an EventHub.
class EventSource {
 public:
  virtual ~EventSource() = default;
  // What subscribers of subject `key` at each of `positions` are sent now; a position left out of
  // the answer is sent nothing (nothing new for it, or the store can't be read now: the next
  // round tries again). Called on the hub's thread only, without its lock; may block on the store.
  virtual std::map<StreamPosition, StreamUpdate> Read(
      const std::string& key, const std::set<StreamPosition>& positions) = 0;
};

class EventHub {
 public:
  explicit EventHub(EventStreamOptions options = {});
  ~EventHub();  // ends every stream and stops its thread

  // Errors: kUnavailable when max_subscribers streams are open (the caller answers 503).
  Status CheckRoom() const;
  // Adds a subscriber of subject `key` of `source` that has what `from` says (a fresh one:
  // StreamPosition{}); its first event is sent at once (on the hub's thread). When
  // max_subscribers are open already, the stream gets an `error` event and ends. `source` must
  // outlive the hub. Called on an I/O thread: does not block.
  void Subscribe(EventSource& source, const std::string& key, StreamPosition from,
                 std::shared_ptr<ResponseStream> stream);

  // Subscribers now (for tests and metrics).
  size_t subscribers() const;

  // The text of one event named `name` whose data is `data` (one line), with an `id` field when
  // `id` is not empty.
  static std::string EventText(const std::string& name, const std::string& data,
                               const std::string& id = "");
  // The text of an `error` event: {"message": message}.
  static std::string ErrorEventText(const std::string& message);

 private:
  // Whose events a subscriber follows. Ordered by source, then key.
  struct Subject {
    EventSource* source;
    std::string key;
    bool operator<(const Subject& other) const;
  };
  struct Subscriber {
    std::shared_ptr<ResponseStream> stream;
    StreamPosition position;
    std::chrono::steady_clock::time_point last_write;
  };
  void Run();
  // One round: reads each subscribed subject once and writes to the subscribers that need it.
  void Poll();
  // Writes `update` (or a keep-alive when it is null and the stream has been quiet too long) to
  // `subscriber`. Returns whether its stream stays open. Called with mu_ held.
  bool Deliver(Subscriber& subscriber, const StreamUpdate* update,
               std::chrono::steady_clock::time_point now);

  const EventStreamOptions options_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool news_ = false;  // a round is due at once: a new subscriber, or more ready to send
  std::multimap<Subject, Subscriber> subscribers_;
  std::thread thread_;
};

// Events of v1 jobs (GET /events?job=ID): `event: job` with the job's JSON (as GET /jobs/{id}
// answers it) at once and after each change of its version; the stream ends with the event where
// the job has ended, or with an `error` event when the job is gone.
class JobEvents : public EventSource {
 public:
  explicit JobEvents(Store& store) : store_(store) {}
  // One read of the job for every position.
  std::map<StreamPosition, StreamUpdate> Read(const std::string& job_id,
                                              const std::set<StreamPosition>& positions) override;

 private:
  Store& store_;
};

}  // namespace wfm
