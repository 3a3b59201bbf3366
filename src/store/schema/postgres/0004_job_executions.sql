-- A v1 job's execution (the engine's state of its run) moves from its own record into the job's
-- row, so that one update records a change of both. A job stays active while its execution is
-- kept (tasks of a cancelled job not yet seen stopping), as its record stayed RUNNING.
ALTER TABLE jobs ADD COLUMN execution TEXT NOT NULL DEFAULT '';
UPDATE jobs SET active = TRUE, execution = (
  SELECT body FROM records WHERE kind = 'execution' AND key = 'job:' || jobs.id)
WHERE EXISTS (SELECT 1 FROM records
              WHERE kind = 'execution' AND key = 'job:' || jobs.id AND status = 'RUNNING');
DELETE FROM history_events WHERE substr(execution, 1, 4) = 'job:';
DELETE FROM records WHERE kind = 'execution' AND substr(key, 1, 4) = 'job:';
