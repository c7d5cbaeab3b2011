-- Run state of the pipeline (pipelines/runner): one row per run and one per step of a run, written by whichever
-- runner executes it (in-process or BullMQ workers), so `spirit-ml pipeline status` reads one place.
-- input_versions records what each input looked like when the step started: a step is stale when an input's
-- version today differs from the one its last successful run saw.

CREATE TABLE pipeline_runs (
  id           text PRIMARY KEY,
  trigger      text NOT NULL CHECK (trigger IN ('manual', 'schedule', 'retry')),
  runner       text NOT NULL CHECK (runner IN ('in-process', 'bullmq')),
  -- The steps chosen for this run and how (--from / --only), as given.
  selection    jsonb NOT NULL,
  params       jsonb NOT NULL DEFAULT '{}',
  status       text NOT NULL DEFAULT 'running' CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
  -- The run whose failed step this one re-runs (spirit-ml jobs retry).
  retry_of     text REFERENCES pipeline_runs(id) ON DELETE SET NULL,
  started_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pipeline_runs_started ON pipeline_runs (started_at DESC);

CREATE TABLE pipeline_step_runs (
  run_id          text NOT NULL REFERENCES pipeline_runs(id) ON DELETE CASCADE,
  step            text NOT NULL,
  status          text NOT NULL CHECK (status IN ('pending', 'running', 'retrying', 'succeeded', 'failed', 'skipped')),
  attempt         smallint NOT NULL DEFAULT 0 CHECK (attempt >= 0),
  started_at      timestamptz,
  finished_at     timestamptz,
  seconds         double precision,
  input_versions  jsonb NOT NULL DEFAULT '{}',
  outputs         jsonb,
  error           text,
  -- host:pid of the process that ran the last attempt.
  worker          text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, step)
);
CREATE INDEX pipeline_step_runs_last ON pipeline_step_runs (step, status, finished_at DESC);

CREATE TRIGGER pipeline_runs_updated_at BEFORE UPDATE ON pipeline_runs FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER pipeline_step_runs_updated_at BEFORE UPDATE ON pipeline_step_runs FOR EACH ROW EXECUTE FUNCTION set_updated_at();
