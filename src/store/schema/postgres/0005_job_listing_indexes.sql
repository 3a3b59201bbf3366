-- Listing jobs of every workflow (newest first), and of one status, reads an index, not the table.
CREATE INDEX jobs_by_created ON jobs (created_at DESC, id DESC);
CREATE INDEX jobs_by_status ON jobs (status, created_at DESC, id DESC);
