import { UsageError } from '../../platform/errors.ts';
import { listImportRejects } from '../../domain/import/import-rejects.ts';
import type { Command } from '../command.ts';
import { intArg } from '../command.ts';
import { withPostgres } from '../stores.ts';
import { alignedTable } from './models.ts';

/** `spirit-ml import rejects IMPORT_ID`: the rows an import could not load, with line, field and reason. */
export const command: Command = {
  name: 'import rejects',
  summary: 'The rows an import could not load: line number, field, reason and the line as it was',
  positionals: [{ name: 'IMPORT_ID', description: 'The import id that `import bookings` printed' }],
  options: {
    limit: { type: 'string', short: 'n', multiple: false, description: 'How many (default 1000, at most 100000)' },
    json: { type: 'boolean', short: 'j', multiple: false, description: 'Print JSON instead of a table' },
  },
  async run(args, ctx) {
    const text = args.positionals[0];
    const importId = Number(text);
    if (!/^\d+$/.test(text ?? '') || !Number.isSafeInteger(importId) || importId < 1) throw new UsageError(`IMPORT_ID must be a positive integer, got "${text}"`, 'IMPORT_ID');
    const limit = intArg(args, 'limit', { min: 1, max: 100_000, fallback: 1000 });
    const found = await withPostgres(ctx.config, ctx.log, (pool) => listImportRejects(pool, importId, { limit }));
    if (args.values.json) {
      ctx.out(JSON.stringify(found, null, 2) + '\n');
      return;
    }
    ctx.out(`import ${importId} (${found.fileName}, ${found.status}): ${found.rejects.length === 0 ? 'no rejected rows' : `${found.rejects.length} rejected rows`}\n`);
    if (found.rejects.length > 0) {
      ctx.out(alignedTable(['LINE', 'FIELD', 'REASON', 'RAW LINE'], found.rejects.map((r) => [String(r.lineNumber), r.field ?? '-', r.reason, r.rawLine.length > 80 ? `${r.rawLine.slice(0, 79)}…` : r.rawLine])));
    }
  },
};
