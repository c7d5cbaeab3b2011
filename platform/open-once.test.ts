import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openOnce } from './open-once.ts';

test('openOnce shares one opening, and opens again after one that failed', async () => {
  let attempts = 0;
  let fail = true;
  const open = openOnce(async () => {
    attempts++;
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (fail) throw new Error(`down (attempt ${attempts})`);
    return { attempt: attempts };
  });
  const [a, b] = await Promise.allSettled([open(), open()]);
  assert.equal(attempts, 1, 'callers during an opening share it');
  assert.equal(a.status, 'rejected');
  assert.equal(b.status, 'rejected');

  fail = false;
  const handle = await open();
  assert.deepEqual(handle, { attempt: 2 }, 'the failed opening is not what the next caller gets');
  assert.equal(await open(), handle, 'an opening that succeeded is shared from then on');
  assert.equal(attempts, 2);
});
