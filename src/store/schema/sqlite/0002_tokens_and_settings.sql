-- API tokens: only the SHA-256 of each token is kept (hex), never the token.
CREATE TABLE api_tokens (
  id         TEXT    PRIMARY KEY,
  name       TEXT    NOT NULL UNIQUE,
  scope      INTEGER NOT NULL,
  sha256_hex TEXT    NOT NULL,
  created_at INTEGER NOT NULL
);

-- Values recorded once for the whole database (such as the identity of the tasks directory).
CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
