import { readAudit } from '../../platform/audit-log.ts';
import { UsageError } from '../../platform/errors.ts';
import type { Command, OptionSpec } from '../command.ts';
import { intArg } from '../command.ts';
import { withPostgres } from '../stores.ts';
import { alignedTable } from './models.ts';

const JSON_OPTION: OptionSpec = { type: 'boolean', short: 'j', multiple: false, description: 'Print JSON (with before and after) instead of a table' };

/** `spirit-ml audit list`: the audit log of the booking system, newest first (the API serves it at /v1/admin/audit). */
export const listCommand: Command = {
  name: 'audit list',
  summary: 'Every write by any role: who, role, what, when, request id (newest first)',
  options: {
    action: { type: 'string', short: 'a', multiple: false, description: 'Only this action (guardrail.set) or family of actions (guardrail)' },
    since: { type: 'string', multiple: false, description: 'Only records at or after this date or moment (ISO 8601)' },
    limit: { type: 'string', short: 'n', multiple: false, description: 'How many (default 50, at most 10000)' },
    json: JSON_OPTION,
  },
  async run(args, ctx) {
    const action = args.values.action === undefined ? undefined : String(args.values.action);
    if (action !== undefined && !/^[a-z_]+(\.[a-z_]+)*$/.test(action)) throw new UsageError(`--action must look like guardrail or guardrail.set, got "${action}"`, 'action');
    let since: Date | undefined;
    if (args.values.since !== undefined) {
      since = new Date(String(args.values.since));
      if (Number.isNaN(since.getTime())) throw new UsageError(`--since must be an ISO 8601 date or moment, got "${String(args.values.since)}"`, 'since');
    }
    const limit = intArg(args, 'limit', { min: 1, max: 10_000, fallback: 50 });
    const records = await withPostgres(ctx.config, ctx.log, (pool) => readAudit(pool, { action, since, limit }));
    if (args.values.json) {
      ctx.out(JSON.stringify(records, null, 2) + '\n');
      return;
    }
    if (records.length === 0) {
      ctx.out('no audit records' + (action ? ` for ${action}` : '') + '\n');
      return;
    }
    ctx.out(alignedTable(['ID', 'AT (UTC)', 'ACTION', 'TARGET', 'ROLE', 'SOURCE', 'ACTOR', 'REQUEST'], records.map((r) => [r.id, r.at.slice(0, 19).replace('T', ' '), r.action, r.target, r.role, r.source, r.actor, r.requestId || '-'])));
  },
};
