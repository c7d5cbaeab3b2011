import { UsageError } from '../../platform/errors.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '../../serving/auth/api-keys.ts';
import { ROLES } from '../../platform/http/roles.ts';
import type { Command, OptionSpec } from '../command.ts';
import { choiceArg, stringArg } from '../command.ts';
import { withPostgres } from '../stores.ts';
import { alignedTable } from './models.ts';

/**
 * `spirit-ml keys create|list|revoke`: API keys of the scoring API, in the booking system's PostgreSQL. A key is
 * printed once, at creation; only its hash is kept.
 */
const JSON_OPTION: OptionSpec = { type: 'boolean', short: 'j', multiple: false, description: 'Print JSON instead of text' };

export const createCommand: Command = {
  name: 'keys create',
  summary: 'Create an API key with a role; the key is printed once',
  options: {
    name: { type: 'string', short: 'n', multiple: false, description: 'Who or what the key is for, e.g. "quotation engine (production)"' },
    role: { type: 'string', short: 'r', multiple: false, description: `Role: ${ROLES.join(', ')}` },
    json: JSON_OPTION,
  },
  details: 'Roles: quotation-engine (prices, quotes), pricing-manager (also review), analyst (read-only data), admin (models, keys, metrics).',
  async run(args, ctx) {
    const name = stringArg(args, 'name');
    const role = choiceArg(args, 'role', ROLES);
    const created = await withPostgres(ctx.config, ctx.log, (pool) => createApiKey(pool, { name, role }));
    if (args.values.json) {
      ctx.out(JSON.stringify(created, null, 2) + '\n');
      return;
    }
    ctx.out(`created key ${created.id} (${created.role}) for ${created.name}:\n\n  ${created.key}\n\nIt is shown only now: store it where its user keeps secrets. Send it as the header X-API-Key.\n`);
  },
};

export const listCommand: Command = {
  name: 'keys list',
  summary: 'List API keys (id, name, role, prefix, created, revoked)',
  options: { json: JSON_OPTION },
  async run(args, ctx) {
    const keys = await withPostgres(ctx.config, ctx.log, (pool) => listApiKeys(pool));
    if (args.values.json) {
      ctx.out(JSON.stringify(keys, null, 2) + '\n');
      return;
    }
    if (keys.length === 0) {
      ctx.out('no API keys yet; create one with: spirit-ml keys create --name NAME --role ROLE\n');
      return;
    }
    ctx.out(
      alignedTable(
        ['ID', 'ROLE', 'PREFIX', 'CREATED (UTC)', 'REVOKED (UTC)', 'NAME'],
        keys.map((k) => [k.id, k.role, `${k.prefix}…`, k.createdAt.slice(0, 19).replace('T', ' '), k.revokedAt ? k.revokedAt.slice(0, 19).replace('T', ' ') : '-', k.name]),
      ),
    );
  },
};

export const revokeCommand: Command = {
  name: 'keys revoke',
  summary: 'Revoke an API key by id (running APIs stop accepting it at once)',
  options: { json: JSON_OPTION },
  positionals: [{ name: 'ID', description: 'Key id, from spirit-ml keys list' }],
  async run(args, ctx) {
    const id = args.positionals[0];
    if (!/^[1-9][0-9]{0,17}$/.test(id ?? '')) throw new UsageError(`ID must be a key id (a positive whole number), got "${id ?? ''}"`, 'ID');
    const revoked = await withPostgres(ctx.config, ctx.log, (pool) => revokeApiKey(pool, id));
    if (args.values.json) {
      ctx.out(JSON.stringify(revoked, null, 2) + '\n');
      return;
    }
    ctx.out(`key ${revoked.id} (${revoked.role}, ${revoked.name}) revoked at ${revoked.revokedAt}\n`);
  },
};
