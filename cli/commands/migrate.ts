import type { Command } from '../command.ts';
import { openStores } from '../stores.ts';

export const command: Command = {
  name: 'migrate',
  summary: 'Bring the PostgreSQL and ClickHouse schemas up to date',
  options: {},
  details: 'Starts the embedded databases when DATABASE_URL / CLICKHOUSE_URL are not set. Safe to run at any time.',
  async run(_args, { config, log, out }) {
    const stores = await openStores(config, log);
    await stores.close();
    out('schemas are up to date\n');
  },
};
