-- Workflows: one row per revision; the document is the Workflow's JSON.
CREATE TABLE workflows (
  name     TEXT   NOT NULL,
  revision BIGINT NOT NULL,
  doc      TEXT   NOT NULL,
  PRIMARY KEY (name, revision)
);

-- Jobs: the whole job (tasks included) as JSON, with the columns that queries filter on.
CREATE TABLE jobs (
  id            TEXT    PRIMARY KEY,
  workflow_name TEXT    NOT NULL,
  created_at    BIGINT  NOT NULL,
  status        TEXT    NOT NULL,
  active        BOOLEAN NOT NULL,
  version       BIGINT  NOT NULL,
  doc           TEXT    NOT NULL
);
CREATE INDEX jobs_by_workflow ON jobs (workflow_name, created_at DESC, id DESC);
CREATE INDEX jobs_active ON jobs (created_at, id) WHERE active;

-- Cancel requests accepted by the API and not yet applied by the engine.
CREATE TABLE cancel_commands (
  id         BIGSERIAL PRIMARY KEY,
  job_id     TEXT   NOT NULL,
  reason     TEXT   NOT NULL,
  created_at BIGINT NOT NULL
);
