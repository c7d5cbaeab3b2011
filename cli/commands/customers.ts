import { cliActor } from '../../platform/audit-log.ts';
import { UsageError } from '../../platform/errors.ts';
import { eraseCustomer } from '../../domain/personal-data/erase-customer.ts';
import { exportCustomer } from '../../domain/personal-data/export-customer.ts';
import type { Command, ParsedArgs } from '../command.ts';
import { openStores } from '../stores.ts';

function customerIdArg(args: ParsedArgs): number {
  const text = args.positionals[0];
  if (text === undefined) throw new UsageError('CUSTOMER_ID is required', 'CUSTOMER_ID');
  const id = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(id) || id < 1) throw new UsageError(`CUSTOMER_ID must be a positive integer, got "${text}"`, 'CUSTOMER_ID');
  return id;
}

/** `spirit-ml customers erase ID --reason …`: the customer's personal data anonymised in every store (admin). */
export const eraseCommand: Command = {
  name: 'customers erase',
  summary: "Erase a customer's personal data from the booking system, the warehouse, logs and personalisation",
  positionals: [{ name: 'CUSTOMER_ID', description: 'the customer in the booking system' }],
  options: {
    reason: { type: 'string', short: 'r', multiple: false, description: 'Why (kept in the erasure record), e.g. "request by e-mail 2026-12-01"' },
  },
  details: 'Business facts (quotations, bookings, payments) stay. Running it again does nothing more; a run that died half-way is resumed.',
  async run(args, ctx) {
    const customerId = customerIdArg(args);
    if (typeof args.values.reason !== 'string' || args.values.reason.trim() === '') throw new UsageError('--reason is required: say why the customer is erased', 'reason');
    const stores = await openStores(ctx.config, ctx.log);
    try {
      const result = await eraseCustomer(stores, { customerId, reason: args.values.reason, actor: cliActor('admin') });
      ctx.out(`${result.status === 'erased' ? 'erased' : 'already erased'}: customer ${customerId} at ${result.erasedAt}\n`);
      for (const [where, rows] of Object.entries(result.touched)) ctx.out(`  ${where.padEnd(44)} ${rows}\n`);
    } finally {
      await stores.close();
    }
  },
};

/** `spirit-ml customers export ID`: everything stored about a customer, as one JSON document on stdout. */
export const exportCommand: Command = {
  name: 'customers export',
  summary: 'Everything stored about a customer, across stores, as one JSON document',
  positionals: [{ name: 'CUSTOMER_ID', description: 'the customer in the booking system' }],
  options: {},
  async run(args, ctx) {
    const customerId = customerIdArg(args);
    const stores = await openStores(ctx.config, ctx.log);
    try {
      ctx.out(JSON.stringify(await exportCustomer(stores, customerId, cliActor('admin')), null, 2) + '\n');
    } finally {
      await stores.close();
    }
  },
};
