import type { Command } from '../command.ts';
import { intArg, stringArg } from '../command.ts';
import { openStores } from '../stores.ts';
import { importBookings } from '../../domain/import/import-bookings.ts';
import { readMappingFile } from '../../domain/import/mapping.ts';

export const command: Command = {
  name: 'import bookings',
  summary: 'Load bookings from a CSV file into the booking system; rows that do not parse go to import_rejects',
  positionals: [{ name: 'FILE', description: 'The CSV file' }],
  options: {
    mapping: { type: 'string', description: 'JSON file naming the column of each booking field (see domain/import/README.md)' },
    force: { type: 'boolean', description: 'Import the file even if the same file (same SHA-256) was imported before' },
    'batch-rows': { type: 'string', description: 'Rows per INSERT batch', default: '5000' },
  },
  details: [
    'Prints a JSON summary on stdout: rows read, loaded and rejected, rejects by reason, the import id.',
    'The rejected rows, with line number, field and reason: spirit-ml import rejects <id>',
    'An import is all or nothing: if it fails, none of its rows are loaded and the imports row says failed.',
  ].join('\n'),
  async run(args, { config, log, out }) {
    const mapping = readMappingFile(stringArg(args, 'mapping'));
    const batchRows = intArg(args, 'batch-rows', { min: 1, max: 100_000 });
    const stores = await openStores(config, log, { pg: true });
    try {
      const summary = await importBookings(stores.pg, { file: args.positionals[0], mapping, log, force: args.values.force === true, batchRows });
      out(JSON.stringify(summary, null, 2) + '\n');
    } finally {
      await stores.close();
    }
  },
};
