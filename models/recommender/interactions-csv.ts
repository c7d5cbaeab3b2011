import { InputError } from '../../platform/errors.ts';
import type { Interaction } from './interactions.ts';

/**
 * Interactions exported from ClickHouse as CSV with the header `user_id,item_id,weight,ts` (any column order).
 * `ts` is an ISO date or epoch milliseconds. Plain comma-separated values: ids carry no commas.
 * A bad row is reported with its source and line number, so it can be found in an editor.
 */
const COLUMNS = ['user_id', 'item_id', 'weight', 'ts'] as const;

export function parseInteractionsCsv(text: string, source = 'input'): Interaction[] {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  if (lines.length === 0) throw new InputError(`${source} is empty: the header ${COLUMNS.join(',')} is expected`, 'header');
  const header = lines[0].split(',').map((h) => h.trim());
  const at = Object.fromEntries(COLUMNS.map((c) => [c, header.indexOf(c)])) as Record<(typeof COLUMNS)[number], number>;
  const missing = COLUMNS.filter((c) => at[c] < 0);
  if (missing.length > 0) throw new InputError(`${source} line 1: missing column ${missing.join(', ')} (expected header ${COLUMNS.join(',')})`, 'header');
  const out: Interaction[] = [];
  for (let r = 1; r < lines.length; r++) {
    const line = r + 1;
    if (lines[r].trim() === '') continue;
    const cells = lines[r].split(',').map((c) => c.trim());
    if (cells.length !== header.length) throw new InputError(`${source} line ${line} has ${cells.length} cells, the header has ${header.length}`, 'row');
    const userId = cells[at.user_id];
    const itemId = cells[at.item_id];
    if (userId === '') throw new InputError(`${source} line ${line}: user_id is empty`, 'user_id');
    if (itemId === '') throw new InputError(`${source} line ${line}: item_id is empty`, 'item_id');
    const weight = cells[at.weight] === '' ? NaN : Number(cells[at.weight]);
    if (!Number.isFinite(weight)) throw new InputError(`${source} line ${line}: weight "${cells[at.weight]}" is not a number`, 'weight');
    const rawTs = cells[at.ts];
    const ts = /^\d+$/.test(rawTs) ? Number(rawTs) : Date.parse(rawTs);
    if (!Number.isFinite(ts)) throw new InputError(`${source} line ${line}: ts "${rawTs}" is not a date (ISO 8601 or epoch milliseconds)`, 'ts');
    out.push({ userId, itemId, weight, ts });
  }
  return out;
}
