-- Records of the Step Functions face (state machines, versions, aliases, activities, executions):
-- the body is opaque JSON; the columns are what listings filter and order on. Keys compare byte
-- by byte (COLLATE "C"), as in the other stores, whatever the database's locale.
CREATE TABLE records (
  kind       TEXT    NOT NULL,
  key        TEXT    COLLATE "C" NOT NULL,
  parent     TEXT    NOT NULL,
  status     TEXT    NOT NULL,
  created_at BIGINT  NOT NULL,
  version    BIGINT  NOT NULL,
  body       TEXT    NOT NULL,
  PRIMARY KEY (kind, key)
);
-- One index per filter combination of a listing (newest first); records_by_status also serves
-- the oldest-first listing by status (read backwards).
CREATE INDEX records_by_kind ON records (kind, created_at DESC, key DESC);
CREATE INDEX records_by_parent ON records (kind, parent, created_at DESC, key DESC);
CREATE INDEX records_by_status ON records (kind, status, created_at DESC, key DESC);
CREATE INDEX records_by_parent_status ON records (kind, parent, status, created_at DESC, key DESC);

-- Executions' histories: append-only, read in id order from either end.
CREATE TABLE history_events (
  execution TEXT    COLLATE "C" NOT NULL,
  id        BIGINT  NOT NULL,
  body      TEXT    NOT NULL,
  PRIMARY KEY (execution, id)
);
