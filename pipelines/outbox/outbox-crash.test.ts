import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type pg from 'pg';
import { migrate } from '../../domain/migrate.ts';
import { recordEvent, DOMAIN_EVENT_TYPES } from '../../domain/outbox.ts';
import { loadConfig } from '../../platform/config.ts';
import { openClickHouse } from '../../platform/clickhouse.ts';
import { mulberry32, randInt } from '../../platform/random.ts';
import { freshDatabase, MACHINE_REDIS_URL, postgresTargets, quietLog, serviceSkipReason, tempDir } from '../../test/support/services.ts';
import { spawnCli, waitFor, type CliProcess } from '../runner/fixtures/cli-process.ts';
import { consumerCaughtUp, openRedis } from './redis-event-stream.ts';
import type { OutboxEvent } from './outbox-event.ts';

/**
 * The outbox end to end with real processes: writers commit (and roll back) events in PostgreSQL while the relay
 * (PostgreSQL → Redis stream) and the consumer (stream → ClickHouse) are SIGKILLed at random moments and
 * restarted. Afterwards ClickHouse must hold exactly the committed events — none lost, none twice after
 * deduplication — and the stream must carry each aggregate's events in order.
 */
const redisSkip = await serviceSkipReason('Redis', MACHINE_REDIS_URL);

for (const target of await postgresTargets()) {
  describe(`outbox through Redis on ${target.name} PostgreSQL, relay and consumer killed at random`, { skip: redisSkip ?? target.skip }, () => {
    it('loses no event and duplicates none', async () => {
      const db = await freshDatabase(target.baseUrl!, 'outbox_crash');
      const redis = openRedis(MACHINE_REDIS_URL, quietLog);
      const stream = `spirit-test:events:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
      const dataDir = tempDir('outbox-consumer');
      const env = { DATABASE_URL: db.url, REDIS_URL: MACHINE_REDIS_URL, SPIRIT_DATA_DIR: dataDir, CLICKHOUSE_DATABASE: 'outbox_crash', OUTBOX_STREAM: stream, OUTBOX_CONSUMER: 'consumer-a' };
      const processes: Record<'relay' | 'consumer', CliProcess | undefined> = { relay: undefined, consumer: undefined };
      const start = (role: 'relay' | 'consumer') => (processes[role] = spawnCli(['worker', '--queues', role === 'relay' ? 'outbox-relay' : 'events'], env));
      try {
        await migrate(db.pool, quietLog);
        // A second group that never reads: the relay trims only what every group acknowledged, so the whole stream
        // stays for the order check at the end.
        await redis.xgroup('CREATE', stream, 'order-check', '0', 'MKSTREAM');
        start('relay');
        start('consumer');
        await Promise.all([processes.relay!.ready, processes.consumer!.ready]);

        const rng = mulberry32(20261128);
        const committed = new Set<string>();
        const rolledBack = new Set<string>();
        let chaos = true;
        // Writers keep committing (and sometimes rolling back) for as long as processes are being killed.
        const write = async (writer: number) => {
          const wrng = mulberry32(1000 + writer);
          for (let t = 0; chaos || t < 20; t++) {
            const client: pg.PoolClient = await db.pool.connect();
            try {
              await client.query('BEGIN');
              const ids: string[] = [];
              // Several bookings per transaction, locked in id order as recordEvent asks.
              const bookings = Array.from({ length: randInt(wrng, 1, 3) }, () => randInt(wrng, 1, 20)).sort((a, b) => a - b);
              for (const booking of bookings) {
                const type = DOMAIN_EVENT_TYPES[randInt(wrng, 4, 9)];
                ids.push((await recordEvent(client, { aggregateType: 'booking', aggregateId: booking, type, payload: { booking, writer, t } })).id);
              }
              if (wrng() < 0.1) {
                await client.query('ROLLBACK');
                ids.forEach((id) => rolledBack.add(id));
              } else {
                await client.query('COMMIT');
                ids.forEach((id) => committed.add(id));
              }
            } finally {
              client.release();
            }
            await new Promise((r) => setTimeout(r, randInt(wrng, 5, 40)));
          }
        };
        const writers = Promise.all([0, 1, 2, 3].map(write));
        let kills = 0;
        try {
          for (; kills < 4; kills++) {
            await new Promise((r) => setTimeout(r, randInt(rng, 100, 600)));
            const role = rng() < 0.5 ? 'relay' : 'consumer';
            await processes[role]!.kill('SIGKILL');
            await start(role).ready;
          }
        } finally {
          chaos = false;
        }
        await writers;

        await waitFor('the relay to publish everything', async () => (await db.pool.query('SELECT 1 FROM outbox_events WHERE published_at IS NULL LIMIT 1')).rowCount === 0, 60_000, 100);
        await waitFor('the consumer to acknowledge everything', () => consumerCaughtUp(redis, { key: stream, group: 'clickhouse' }), 60_000, 100);
        // Let the consumer close the embedded ClickHouse cleanly, then read it from here.
        await processes.consumer!.kill('SIGTERM');
        await processes.relay!.kill('SIGTERM');

        const ch = await openClickHouse(loadConfig({ SPIRIT_DATA_DIR: dataDir, CLICKHOUSE_DATABASE: 'outbox_crash' }), quietLog);
        try {
          const result = await ch.client.query({ query: 'SELECT toString(id) AS id FROM events FINAL', format: 'JSONEachRow' });
          const ids = (await result.json<{ id: string }>()).map((r) => r.id);
          const raw = await (await ch.client.query({ query: 'SELECT count() AS n FROM events', format: 'JSONEachRow' })).json<{ n: string }>();
          quietLog.info('outbox crash test', { kills, committed: committed.size, rows: Number(raw[0].n) });
          process.stderr.write(`# ${kills} kills; ${committed.size} committed events; ${Number(raw[0].n) - ids.length} copies folded by deduplication\n`);
          assert.equal(new Set(ids).size, ids.length, 'no event twice after deduplication');
          assert.equal(ids.length, committed.size, 'every committed event arrived');
          for (const id of ids) assert.ok(committed.has(id) && !rolledBack.has(id), `event ${id} was committed`);
        } finally {
          await ch.close();
        }

        // Order per aggregate on the stream: first deliveries of a booking's events come 1, 2, 3…
        const entries = (await redis.xrange(stream, '-', '+')) as Array<[string, string[]]>;
        const next = new Map<string, number>();
        for (const [, fields] of entries) {
          const event = JSON.parse(fields[1]) as OutboxEvent;
          const expected = next.get(event.aggregate_id) ?? 1;
          if (event.aggregate_seq === expected) next.set(event.aggregate_id, expected + 1);
          else if (event.aggregate_seq > expected) {
            const order = entries.map(([sid, f]) => [sid, JSON.parse(f[1]) as OutboxEvent] as const).filter(([, e]) => e.aggregate_id === event.aggregate_id).map(([sid, e]) => `${sid}:${e.aggregate_seq}/${e.seq}`);
            const pgRows = await db.pool.query(`SELECT seq, aggregate_seq, published_at FROM outbox_events WHERE aggregate_id = $1 ORDER BY seq`, [event.aggregate_id]);
            assert.fail(`booking ${event.aggregate_id}: event ${event.aggregate_seq} published before ${expected}; stream ${order.join(' ')}; pg ${JSON.stringify(pgRows.rows)}`);
          }
        }
        const { rows } = await db.pool.query<{ aggregate_id: string; n: number }>(`SELECT aggregate_id, max(aggregate_seq) AS n FROM outbox_events GROUP BY aggregate_id`);
        for (const r of rows) assert.equal(next.get(r.aggregate_id), r.n + 1, `every event of booking ${r.aggregate_id} went out`);
      } finally {
        for (const p of Object.values(processes)) await p?.kill('SIGKILL');
        await redis.del(stream);
        redis.disconnect();
        await db.drop();
      }
    });
  });
}
