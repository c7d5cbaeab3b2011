import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EncodedRows, type RowBatch } from './encoded-rows.ts';

const lines = (batch: RowBatch | undefined) => (batch ? batch.body.toString('utf8').split('\n').slice(0, -1) : []);

function takeAll(rows: EncodedRows): string[] {
  const out: string[] = [];
  rows.seal();
  for (let batch = rows.take(); batch; batch = rows.take()) {
    out.push(...lines(batch));
    rows.release(batch);
  }
  return out;
}

test('takes the oldest rows in order as JSON lines, a slab at a time, with multi-byte text intact', () => {
  // Slabs of 40 bytes: every few rows start a new one, and one row is larger than a slab.
  const rows = new EncodedRows(40, 100);
  const written = ['{"a":1}', '{"city":"Cusco – Ñaupa"}', '{"b":"' + 'x'.repeat(60) + '"}', '{"c":3}', '{"d":4}'];
  for (const line of written) rows.push(line);
  assert.equal(rows.rows, 5);
  const first = rows.take()!;
  assert.deepEqual(lines(first), written.slice(0, 2));
  assert.equal(first.rows, 2);
  assert.equal(rows.rows, 3);
  assert.deepEqual(takeAll(rows), written.slice(2));
  assert.equal(rows.rows, 0);
  assert.equal(rows.take(), undefined);
});

test('a batch holds at most maxRows rows', () => {
  const rows = new EncodedRows(1024, 3);
  for (let i = 0; i < 7; i++) rows.push(`{"i":${i}}`);
  assert.deepEqual([rows.take()!.rows, rows.take()!.rows, rows.take()], [3, 3, undefined], 'the last row is still being written into its slab');
  rows.seal();
  assert.deepEqual([rows.take()!.rows, rows.take()], [1, undefined]);
});

test('a batch put back comes out first, as it was, and dropping forgets exactly the oldest rows', () => {
  const rows = new EncodedRows(32, 4);
  for (let i = 0; i < 6; i++) rows.push(`{"i":${i}}`);
  const batch = rows.take()!;
  rows.push('{"i":6}');
  rows.putBack(batch);
  assert.equal(rows.rows, 7);
  rows.dropOldest(3);
  assert.equal(rows.rows, 4);
  assert.deepEqual(takeAll(rows), ['{"i":3}', '{"i":4}', '{"i":5}', '{"i":6}']);
});

test('rows taken are not overwritten by rows recorded after (an insert may still be reading them)', () => {
  const rows = new EncodedRows(64, 100);
  rows.push('{"keep":"me"}');
  rows.seal();
  const batch = rows.take()!;
  for (let i = 0; i < 20; i++) rows.push(`{"later":${i}}`);
  assert.deepEqual(lines(batch), ['{"keep":"me"}']);
});

test('a released slab is written again: no new memory once the slabs in use are there', () => {
  const rows = new EncodedRows(64, 100);
  rows.push('{"n":1}');
  rows.seal();
  const first = rows.take()!;
  const bytes = first.slab.bytes;
  rows.release(first);
  rows.push('{"n":2}');
  rows.seal();
  const second = rows.take()!;
  assert.equal(second.slab.bytes, bytes, 'the same buffer');
  assert.deepEqual(lines(second), ['{"n":2}']);
});

test('rows recorded after a seal wait for the next one (a flush writes what was waiting when it began)', () => {
  const rows = new EncodedRows(1024, 100);
  rows.push('{"before":1}');
  rows.seal();
  rows.push('{"after":1}');
  assert.deepEqual(lines(rows.take()), ['{"before":1}']);
  assert.equal(rows.take(), undefined);
  assert.equal(rows.rows, 1);
  rows.seal();
  assert.deepEqual(lines(rows.take()), ['{"after":1}']);
});
