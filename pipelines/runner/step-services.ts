import type pg from 'pg';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Config } from '../../platform/config.ts';
import type { Logger } from '../../platform/log.ts';
import { SpiritError } from '../../platform/errors.ts';
import { openPostgres } from '../../platform/postgres.ts';
import { survivePostgresDisconnects } from '../../platform/connection-errors.ts';
import { openClickHouse } from '../../platform/clickhouse.ts';
import { openOnce } from '../../platform/open-once.ts';
import { migrateWarehouse } from '../warehouse/migrate.ts';
import { ModelRegistry } from '../../models/registry/model-registry.ts';
import { registryLocation } from '../../models/registry/registry-location.ts';
import type { Step, StepContext } from '../step.ts';
import { RunState } from './run-state.ts';

/**
 * What a process that runs steps holds: PostgreSQL (always: run state lives there), the model registry, and
 * ClickHouse opened on first need. ClickHouse is opened only for steps that declare a `ch:` asset because the
 * embedded one (chDB) can be open in one process at a time: a worker whose steps never touch ClickHouse must
 * not take it from the API or from another worker.
 */
export interface StepServices {
  config: Config;
  log: Logger;
  pg: pg.Pool;
  registry: ModelRegistry;
  state: RunState;
  clickhouse(): Promise<ClickHouseClient>;
  contextFor(step: Step, runId: string, params: StepContext['params'], log?: Logger): Promise<StepContext>;
  close(): Promise<void>;
}

export function touchesClickHouse(step: Step): boolean {
  return [...step.reads, ...step.writes].some((asset) => asset.startsWith('ch:'));
}

/** Stands in for ClickHouse in the context of a step that declared no `ch:` asset, and says so when used. */
function undeclaredClickHouse(step: string): ClickHouseClient {
  return new Proxy({} as ClickHouseClient, {
    get(_target, property) {
      if (property === 'then') return undefined;
      throw new SpiritError('pipeline_undeclared_asset', `step ${step} uses ClickHouse but declares no ch: asset in reads or writes; declare what it reads and writes`);
    },
  });
}

export interface StepServicesOptions {
  /** Use these instead of opening from config (tests, or a process that already has them). */
  pg?: pg.Pool;
  clickhouse?: ClickHouseClient;
  registry?: ModelRegistry;
  /**
   * Brings the booking system's schema up to date when PostgreSQL is opened here (the run state lives in it): the
   * CLI hands in domain/migrate.ts. Left out by a process whose parent already migrated (a sandboxed child).
   */
  migrate?: (pool: pg.Pool, log: Logger) => Promise<unknown>;
}

export async function openStepServices(config: Config, log: Logger, opts: StepServicesOptions = {}): Promise<StepServices> {
  const postgres = opts.pg ? undefined : await openPostgres(config, log);
  const pool = opts.pg ?? postgres!.pool;
  survivePostgresDisconnects(pool, log);
  if (postgres) await opts.migrate?.(pool, log);
  // Opened on the first step that needs it; a failed opening (ClickHouse down) is tried again by the next step.
  let latest: Promise<{ client: ClickHouseClient; close?: () => Promise<void> }> | undefined;
  const openClickHouseOnce = openOnce(async () => {
    if (opts.clickhouse) return { client: opts.clickhouse };
    const handle = await openClickHouse(config, log);
    try {
      await migrateWarehouse(handle.client, log, { cluster: handle.cluster });
    } catch (err) {
      await handle.close().catch(() => undefined); // the next attempt opens it afresh
      throw err;
    }
    return { client: handle.client, close: handle.close };
  });
  const openCh = () => (latest = openClickHouseOnce()).then((c) => c.client);
  const registry = opts.registry ?? ModelRegistry.open(registryLocation(config.dataDir));
  return {
    config,
    log,
    pg: pool,
    registry,
    state: new RunState(pool),
    clickhouse: openCh,
    async contextFor(step, runId, params, stepLog) {
      return {
        config,
        log: stepLog ?? log.child({ step: step.name, runId }),
        pg: pool,
        clickhouse: touchesClickHouse(step) ? await openCh() : undeclaredClickHouse(step.name),
        registry,
        runId,
        params,
      };
    },
    async close() {
      if (latest && !opts.clickhouse) await (await latest.catch(() => undefined))?.close?.().catch(() => undefined);
      await postgres?.close();
    },
  };
}
