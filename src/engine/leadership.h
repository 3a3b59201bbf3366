// Which process may advance jobs. With SQLite or memory there is one process: it always may.
// With PostgreSQL, several replicas serve the API but only the holder of a database lock runs the
// engine (see store/postgres/leader_lock.h).
#pragma once

namespace wfm {

class Leadership {
 public:
  virtual ~Leadership() = default;
  // Acquires leadership if it is free, or confirms it is still held. True while this process may
  // advance jobs. Called from the engine's thread; returns within a few seconds at most.
  virtual bool Hold() = 0;
  // The last answer of Hold(), without asking again. Thread-safe.
  virtual bool IsLeader() const = 0;
};

class SoleLeadership : public Leadership {
 public:
  bool Hold() override { return true; }
  bool IsLeader() const override { return true; }
};

}  // namespace wfm
