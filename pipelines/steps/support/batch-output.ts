import type { ClickHouseClient } from '@clickhouse/client';
import { SpiritError } from '../../../platform/errors.ts';
import { chDateTime, command, queryRows } from '../../../features/warehouse-query.ts';
import { batchOutputsOf, MODEL_FAMILIES } from '../../../models/families.ts';

/**
 * Batch outputs of training steps (migration 041): each model version writes its own partition, then a completion
 * row in batch_outputs; readers go through the *_current views, which show the version the evaluate step switched
 * to. So a batch being written, or one that died half-way, is never what a reader gets, and writing a version again
 * first drops whatever a failed attempt left. The completion rows belong to their output (one writer per asset):
 * `ch:customer_recommendations` means the partitions and their rows in batch_outputs.
 */
export type BatchOutput = NonNullable<(typeof MODEL_FAMILIES)[keyof typeof MODEL_FAMILIES]['batchOutput']>['table'];

/** Output table → the family writing it, from each family's `batchOutput` in models/families.ts. */
export const BATCH_OUTPUTS = batchOutputsOf(MODEL_FAMILIES) as Readonly<Record<BatchOutput, string>>;

const VERSION = /^[a-z][a-z0-9_]*-\d{6}$/;

// Table and partition names cannot be query parameters: they are interpolated only after these checks.
function checkOutput(output: BatchOutput): void {
  if (!Object.hasOwn(BATCH_OUTPUTS, output)) throw new SpiritError('unknown_batch_output', `${String(output)} is not a batch output (${Object.keys(BATCH_OUTPUTS).join(', ')})`);
}

function checked(output: BatchOutput, version: string): void {
  checkOutput(output);
  if (!VERSION.test(version)) throw new SpiritError('bad_model_version', `model version ${JSON.stringify(version)} is not like recommender-000001`);
}

/**
 * Writes a version's rows (chunks from an iterator), marks the batch complete, then drops the batches of versions
 * no reader can need: all but this one, the family's champion and challenger, the one readers are on, and the
 * champion a rollback would return to (so that readers follow a rollback to a batch that still exists).
 * Two runs may write at once (pipelines README): see pruneBatches for what one never drops of the other's.
 */
export async function writeBatch(
  client: ClickHouseClient,
  output: BatchOutput,
  version: string,
  runId: string,
  chunks: AsyncIterable<object[]> | Iterable<object[]>,
  aliases: { champion: string | null; challenger: string | null; previousChampions?: readonly string[] },
): Promise<{ rows: number; dropped: string[] }> {
  checked(output, version);
  await command(client, `ALTER TABLE ${output} DROP PARTITION '${version}'`);
  const generatedAt = chDateTime(new Date());
  let rows = 0;
  for await (const chunk of chunks) {
    if (chunk.length === 0) continue;
    await client.insert({ table: output, values: chunk.map((r) => ({ model_version: version, generated_at: generatedAt, ...r })), format: 'JSONEachRow' });
    rows += chunk.length;
  }
  // A batch is marked complete only if every row written is there: nothing dropped part of it meanwhile.
  const [landed] = await queryRows<{ n: string }>(client, `SELECT count() AS n FROM ${output} WHERE model_version = {version:String}`, { version });
  if (Number(landed.n) !== rows) {
    throw new SpiritError('batch_disturbed', `the ${output} batch of ${version} holds ${landed.n} of the ${rows} rows written (another run dropped part of it); it is not marked complete`);
  }
  await client.insert({ table: 'batch_outputs', values: [{ output, model_version: version, rows, run_id: runId, completed_at: chDateTime(new Date()) }], format: 'JSONEachRow' });
  const keep = new Set(
    [version, aliases.champion, aliases.challenger, aliases.previousChampions?.at(-1), await currentVersion(client, output)].filter((v): v is string => typeof v === 'string'),
  );
  return { rows, dropped: await pruneBatches(client, output, keep, version) };
}

export async function isComplete(client: ClickHouseClient, output: BatchOutput, version: string): Promise<boolean> {
  const rows = await queryRows(client, `SELECT 1 FROM batch_outputs FINAL WHERE output = {output:String} AND model_version = {version:String}`, { output, version });
  return rows.length > 0;
}

/** The newest complete batch of an output, or null. */
export async function newestComplete(client: ClickHouseClient, output: BatchOutput): Promise<string | null> {
  const [row] = await queryRows<{ v: string }>(
    client,
    `SELECT argMax(model_version, completed_at) AS v, count() AS n FROM batch_outputs FINAL WHERE output = {output:String} HAVING n > 0`,
    { output },
  );
  return row?.v ?? null;
}

export async function currentVersion(client: ClickHouseClient, output: BatchOutput): Promise<string | null> {
  const [row] = await queryRows<{ v: string }>(
    client,
    `SELECT argMax(model_version, switched_at) AS v, count() AS n FROM batch_current WHERE output = {output:String} HAVING n > 0`,
    { output },
  );
  return row?.v ?? null;
}

/** Points readers at a complete batch. */
export async function switchCurrent(client: ClickHouseClient, output: BatchOutput, version: string, reason: string): Promise<void> {
  checked(output, version);
  if (!(await isComplete(client, output, version))) throw new SpiritError('batch_incomplete', `the ${output} batch of ${version} is not complete: readers stay where they are`);
  await client.insert({ table: 'batch_current', values: [{ output, model_version: version, switched_at: chDateTime(new Date()), reason }], format: 'JSONEachRow' });
}

/** Hours after which a batch never marked complete is what a failed run left, not another run still writing. */
export const ABANDONED_AFTER_HOURS = 6;

/**
 * Drops the partitions of versions not in `keep` and older than `writer`, the version whose write prunes: old
 * batches, and what failed runs left. Another run's batch is never dropped: a later version's is its writer's to
 * prune, and a batch not yet marked complete is taken for one still being written until ABANDONED_AFTER_HOURS have
 * passed. A dropped batch stops being complete first, so that nothing (a rollback, a promotion by hand) can point
 * readers at it afterwards.
 */
export async function pruneBatches(client: ClickHouseClient, output: BatchOutput, keep: ReadonlySet<string>, writer: string): Promise<string[]> {
  checked(output, writer);
  const rows = await queryRows<{ v: string; complete: number; abandoned: number }>(
    client,
    `SELECT model_version AS v,
            model_version IN (SELECT model_version FROM batch_outputs FINAL WHERE output = {output:String}) AS complete,
            max(generated_at) < now64(6) - INTERVAL {hours:UInt32} HOUR AS abandoned
       FROM ${output} GROUP BY model_version`,
    { output, hours: ABANDONED_AFTER_HOURS },
  );
  const dropped: string[] = [];
  for (const { v, complete, abandoned } of rows) {
    if (keep.has(v) || v >= writer || (!Number(complete) && !Number(abandoned))) continue;
    checked(output, v);
    await command(client, `DELETE FROM batch_outputs WHERE output = {output:String} AND model_version = {version:String}`, { output, version: v });
    await command(client, `ALTER TABLE ${output} DROP PARTITION '${v}'`);
    dropped.push(v);
  }
  return dropped;
}
