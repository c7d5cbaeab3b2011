import type { Writable } from 'node:stream';
import type { ClickHouseClient } from '@clickhouse/client';

/**
 * The decisions as labelled data for the price model's next training, read from ClickHouse's
 * price_training_labels view and written as CSV: one column per feature the model saw (the union over the
 * rows, empty where a row lacks one), then cost, the label price and where the label came from. Streamed in
 * pages so the export does not hold the table in memory.
 */
export interface LabelRow {
  decision: string;
  model_version: string;
  decided: string;
  features: string;
  cost: number;
  suggested_price: number;
  label_price: number;
  label_source: string;
}

async function* labelPages(clickhouse: ClickHouseClient, since: string | undefined, pageRows: number): AsyncGenerator<LabelRow[]> {
  let afterId = 0;
  for (;;) {
    const result = await clickhouse.query({
      query: `SELECT toString(decision_id) AS decision, model_version, toString(decided_at) AS decided, features, cost, suggested_price,
                     label_price, label_source
                FROM price_training_labels
               WHERE decision_id > {after:UInt64} ${since ? 'AND decided_at >= parseDateTime64BestEffort({since:String}, 6)' : ''}
               ORDER BY decision_id LIMIT {limit:UInt32}`,
      query_params: { after: afterId, since: since ?? '', limit: pageRows },
      format: 'JSONEachRow',
    });
    const rows = await result.json<LabelRow>();
    if (rows.length === 0) return;
    yield rows;
    afterId = Number(rows[rows.length - 1].decision);
    if (rows.length < pageRows) return;
  }
}

const csvCell = (value: string | number) => {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** Writes the labels as CSV; returns how many rows. Feature names are read in a first pass so every row has the same columns. */
export async function writeTrainingLabelsCsv(clickhouse: ClickHouseClient, out: Writable, options: { since?: string; pageRows?: number } = {}): Promise<number> {
  const pageRows = options.pageRows ?? 10_000;
  const names = new Set<string>();
  const keys = await clickhouse.query({
    query: `SELECT DISTINCT arrayJoin(JSONExtractKeys(features)) AS name FROM price_training_labels
             ${options.since ? 'WHERE decided_at >= parseDateTime64BestEffort({since:String}, 6)' : ''} ORDER BY name`,
    query_params: { since: options.since ?? '' },
    format: 'JSONEachRow',
  });
  for (const { name } of await keys.json<{ name: string }>()) names.add(name);
  const features = [...names];
  const write = (line: string) => new Promise<void>((resolve, reject) => (out.write(line) ? resolve() : out.once('drain', resolve).once('error', reject)));
  await write([...features, 'cost', 'label_price', 'suggested_price', 'label_source', 'model_version', 'decided_at', 'decision_id'].map(csvCell).join(',') + '\n');
  let count = 0;
  for await (const page of labelPages(clickhouse, options.since, pageRows)) {
    let chunk = '';
    for (const row of page) {
      const values = JSON.parse(row.features) as Record<string, number>;
      chunk +=
        [...features.map((f) => (values[f] === undefined ? '' : values[f])), row.cost, row.label_price, row.suggested_price, row.label_source, row.model_version, row.decided, row.decision]
          .map(csvCell)
          .join(',') + '\n';
    }
    await write(chunk);
    count += page.length;
  }
  return count;
}
