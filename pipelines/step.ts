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
  /**
   * CPU-bound work (model training): the BullMQ runner runs it in a sandboxed child process, so the worker's
   * event loop stays free to renew the job's lock and a crash takes down only that child.
   */
  heavy?: boolean;
  /**
   * The work splits into independent partitions (one demand forecast per destination): the BullMQ runner fans
   * them out as child jobs across workers, the in-process runner runs them one after another. When present,
   * runners use it instead of `run`.
   */
  partitions?: StepPartitions;
}

export interface StepPartitions {
  /** The partition keys of this run (e.g. destination codes); known only once the steps before have run. */
  list(ctx: StepContext): Promise<string[]>;
  /** One partition's work, written where only `finish` makes it visible (a staging table, an unpromoted version). */
  run(ctx: StepContext, partition: string): Promise<StepResult>;
  /** Makes the partitions' work visible at once (switch to the new version) and sums up their outputs. */
  finish(ctx: StepContext, results: PartitionResult[]): Promise<StepResult>;
}

export interface PartitionResult {
  partition: string;
  outputs: StepResult['outputs'];
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
