import os from 'node:os';
import type pg from 'pg';
import type { StepResult } from '../step.ts';
import type { Selection } from './selection.ts';

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed';
export type StepStatus = 'pending' | 'running' | 'retrying' | 'succeeded' | 'failed' | 'skipped';

export interface RunRecord {
  id: string;
  trigger: 'manual' | 'schedule' | 'retry';
  runner: 'in-process' | 'bullmq';
  selection: Selection & { steps: string[] };
  params: Record<string, string | number | boolean>;
  status: RunStatus;
  retryOf: string | null;
  startedAt: Date;
  finishedAt: Date | null;
}

export interface StepRecord {
  runId: string;
  step: string;
  status: StepStatus;
  attempt: number;
  startedAt: Date | null;
  finishedAt: Date | null;
  seconds: number | null;
  inputVersions: Record<string, string>;
  outputs: StepResult['outputs'] | null;
  error: string | null;
  worker: string | null;
}

/** Who ran an attempt: enough to find the process (and kill it, in the crash tests). */
export const WORKER_ID = `${os.hostname()}:${process.pid}`;

const STEP_COLUMNS = `run_id, step, status, attempt, started_at, finished_at, seconds, input_versions, outputs, error, worker`;

function stepRecord(row: Record<string, unknown>): StepRecord {
  return {
    runId: row.run_id as string,
    step: row.step as string,
    status: row.status as StepStatus,
    attempt: Number(row.attempt),
    startedAt: (row.started_at as Date | null) ?? null,
    finishedAt: (row.finished_at as Date | null) ?? null,
    seconds: row.seconds === null ? null : Number(row.seconds),
    inputVersions: (row.input_versions as Record<string, string>) ?? {},
    outputs: (row.outputs as StepResult['outputs'] | null) ?? null,
    error: (row.error as string | null) ?? null,
    worker: (row.worker as string | null) ?? null,
  };
}

function runRecord(row: Record<string, unknown>): RunRecord {
  return {
    id: row.id as string,
    trigger: row.trigger as RunRecord['trigger'],
    runner: row.runner as RunRecord['runner'],
    selection: row.selection as RunRecord['selection'],
    params: row.params as RunRecord['params'],
    status: row.status as RunStatus,
    retryOf: (row.retry_of as string | null) ?? null,
    startedAt: row.started_at as Date,
    finishedAt: (row.finished_at as Date | null) ?? null,
  };
}

/**
 * The pipeline's run state in PostgreSQL (migration 030): every runner writes here, whichever process runs the
 * step, so status, stale detection and the failed list read one place. Writes are single statements, safe to
 * repeat: a step attempt that is run again simply overwrites its row.
 */
export class RunState {
  constructor(private readonly pool: pg.Pool) {}

  /** Records a run and its steps as pending; a second call with the same id changes nothing. */
  async createRun(run: Omit<RunRecord, 'startedAt' | 'finishedAt'>): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const inserted = await client.query(
        `INSERT INTO pipeline_runs (id, trigger, runner, selection, params, status, retry_of)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
        [run.id, run.trigger, run.runner, JSON.stringify(run.selection), JSON.stringify(run.params), run.status, run.retryOf],
      );
      if (inserted.rowCount === 1) {
        await client.query(
          `INSERT INTO pipeline_step_runs (run_id, step, status) SELECT $1, unnest($2::text[]), 'pending'`,
          [run.id, run.selection.steps],
        );
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async runStarted(runId: string): Promise<void> {
    await this.pool.query(`UPDATE pipeline_runs SET status = 'running' WHERE id = $1 AND status = 'queued'`, [runId]);
  }

  async stepStarted(runId: string, step: string, attempt: number, inputVersions: Record<string, string>, worker = WORKER_ID): Promise<void> {
    await this.pool.query(
      `UPDATE pipeline_step_runs SET status = 'running', attempt = $3, started_at = now(), finished_at = NULL, seconds = NULL,
              input_versions = $4, outputs = NULL, error = NULL, worker = $5
        WHERE run_id = $1 AND step = $2`,
      [runId, step, attempt, JSON.stringify(inputVersions), worker],
    );
  }

  /** `seconds` null: since the attempt started (a fanned-out step finishes in a later job activation). */
  async stepSucceeded(runId: string, step: string, seconds: number | null, outputs: StepResult['outputs']): Promise<void> {
    await this.pool.query(
      `UPDATE pipeline_step_runs SET status = 'succeeded', finished_at = now(), outputs = $4, error = NULL,
              seconds = COALESCE($3, EXTRACT(EPOCH FROM (clock_timestamp() - started_at)))
        WHERE run_id = $1 AND step = $2`,
      [runId, step, seconds, JSON.stringify(outputs)],
    );
  }

  /** A failed attempt: `retrying` while attempts remain, `failed` after the last one. */
  async stepFailed(runId: string, step: string, seconds: number | null, error: string, final: boolean): Promise<void> {
    await this.pool.query(
      `UPDATE pipeline_step_runs SET status = $3, finished_at = now(), seconds = COALESCE($4, seconds), error = $5
        WHERE run_id = $1 AND step = $2 AND status <> 'succeeded'`,
      [runId, step, final ? 'failed' : 'retrying', seconds, error],
    );
  }

  async stepSkipped(runId: string, step: string, reason: string): Promise<void> {
    await this.pool.query(
      `UPDATE pipeline_step_runs SET status = 'skipped', finished_at = now(), error = $3 WHERE run_id = $1 AND step = $2 AND status = 'pending'`,
      [runId, step, reason],
    );
  }

  async finishRun(runId: string): Promise<RunStatus> {
    const { rows } = await this.pool.query<{ status: RunStatus }>(
      `UPDATE pipeline_runs r SET finished_at = now(),
              status = CASE WHEN EXISTS (SELECT 1 FROM pipeline_step_runs s WHERE s.run_id = r.id AND s.status <> 'succeeded')
                            THEN 'failed' ELSE 'succeeded' END
        WHERE id = $1 RETURNING status`,
      [runId],
    );
    return rows[0].status;
  }

  async run(runId: string): Promise<RunRecord | undefined> {
    const { rows } = await this.pool.query(`SELECT * FROM pipeline_runs WHERE id = $1`, [runId]);
    return rows[0] ? runRecord(rows[0]) : undefined;
  }

  async stepsOf(runId: string): Promise<StepRecord[]> {
    const { rows } = await this.pool.query(`SELECT ${STEP_COLUMNS} FROM pipeline_step_runs WHERE run_id = $1 ORDER BY started_at NULLS LAST, step`, [runId]);
    return rows.map(stepRecord);
  }

  /** Each step's most recent attempt that got as far as starting (or being skipped). */
  async lastRuns(): Promise<Map<string, StepRecord>> {
    const { rows } = await this.pool.query(
      `SELECT DISTINCT ON (step) ${STEP_COLUMNS} FROM pipeline_step_runs
        WHERE status <> 'pending' ORDER BY step, COALESCE(started_at, finished_at) DESC`,
    );
    return new Map(rows.map((r) => [r.step as string, stepRecord(r)]));
  }

  /** Each step's most recent successful run: its outputs are what readers see now. */
  async lastSuccesses(): Promise<Map<string, StepRecord>> {
    const { rows } = await this.pool.query(
      `SELECT DISTINCT ON (step) ${STEP_COLUMNS} FROM pipeline_step_runs
        WHERE status = 'succeeded' ORDER BY step, finished_at DESC`,
    );
    return new Map(rows.map((r) => [r.step as string, stepRecord(r)]));
  }

  /** Steps that ended failed, newest first, unless a later run of the same step succeeded. */
  async unresolvedFailures(limit = 50): Promise<StepRecord[]> {
    const { rows } = await this.pool.query(
      `SELECT ${STEP_COLUMNS} FROM pipeline_step_runs f
        WHERE f.status = 'failed'
          AND NOT EXISTS (SELECT 1 FROM pipeline_step_runs s WHERE s.step = f.step AND s.status = 'succeeded' AND s.finished_at > f.finished_at)
        ORDER BY f.finished_at DESC LIMIT $1`,
      [limit],
    );
    return rows.map(stepRecord);
  }

  async recentRuns(limit = 20): Promise<RunRecord[]> {
    const { rows } = await this.pool.query(`SELECT * FROM pipeline_runs ORDER BY started_at DESC LIMIT $1`, [limit]);
    return rows.map(runRecord);
  }
}
