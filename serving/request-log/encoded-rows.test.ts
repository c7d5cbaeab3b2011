import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EncodedRows } from './encoded-rows.ts';

const lines = (body: Buffer) => body.toString('utf8').split('\n').slice(0, -1);

test('takes the oldest rows in order as JSON lines, across slabs, with multi-byte text intact', () => {
  // Slabs of 40 bytes: every few rows start a new one, and one row is larger than a slab.
  const rows = new EncodedRows(40);
  const written = ['{"a":1}', '{"city":"Cusco – Ñaupa"}', '{"b":"' + 'x'.repeat(60) + '"}', '{"c":3}', '{"d":4}'];
  for (const line of written) rows.push(line);
  assert.equal(rows.rows, 5);
  const first = rows.take(2);
  assert.deepEqual(lines(first.body), written.slice(0, 2));
  assert.equal(first.rows, 2);
  const rest = rows.take(10);
  assert.deepEqual(lines(rest.body), written.slice(2));
  assert.equal(rows.rows, 0);
  assert.equal(rows.take(5).rows, 0);
});

test('a batch put back comes out first, as it was, and dropping forgets exactly the oldest rows', () => {
  const rows = new EncodedRows(32);
  for (let i = 0; i < 6; i++) rows.push(`{"i":${i}}`);
  const batch = rows.take(4);
  rows.push('{"i":6}');
  rows.putBack(batch);
  assert.equal(rows.rows, 7);
  rows.dropOldest(3);
  assert.deepEqual(lines(rows.take(100).body), ['{"i":3}', '{"i":4}', '{"i":5}', '{"i":6}']);
});

test('rows taken are not overwritten by rows recorded after (an insert may still be reading them)', () => {
  const rows = new EncodedRows(64);
  rows.push('{"keep":"me"}');
  const batch = rows.take(1);
  for (let i = 0; i < 20; i++) rows.push(`{"later":${i}}`);
  assert.deepEqual(lines(batch.body), ['{"keep":"me"}']);
});
