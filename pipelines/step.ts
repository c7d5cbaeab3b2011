import type pg from 'pg';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Config } from '../platform/config.ts';
import type { Logger } from '../platform/log.ts';
import type { ModelRegistry } from '../models/registry/model-registry.ts';

/**
 * A pipeline step in the manner of a software-defined asset: it names what it reads and what it writes
 * (`pg:<table>`, `ch:<table>`, `model:<family>`), so the pipeline can print its lineage, run part of itself
 * and tell which outputs are stale. `run` must be safe to repeat: a step that fails half-way is run again.
 */
export interface Step {
  name: string;
  description: string;
  reads: string[];
  writes: string[];
  /** Steps whose outputs this one needs (by name); derived lineage must agree with reads/writes. */
  after: string[];
  run(ctx: StepContext): Promise<StepResult>;
}

export interface StepContext {
  config: Config;
  log: Logger;
  pg: pg.Pool;
  clickhouse: ClickHouseClient;
  registry: ModelRegistry;
  runId: string;
  /** Parameters of this run (seed, data window, sizes…), recorded with its outputs. */
  params: Record<string, string | number | boolean>;
}

export interface StepResult {
  /** What was produced: row counts, model versions, metrics — printed and kept in the run's record. */
  outputs: Record<string, string | number | boolean | null>;
}
