import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jwtSecret } from './jwt-secret.ts';

test('the generated secret is kept and reused; a secret file holding anything else stops the API from starting', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jwt-secret-'));
  const first = jwtSecret(dataDir, undefined, { sharedDatabase: false });
  assert.match(first, /^[A-Za-z0-9_-]{64}$/);
  assert.equal(jwtSecret(dataDir, undefined, { sharedDatabase: false }), first);
  const file = path.join(dataDir, 'serving', 'jwt-secret');
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  // What `DESCRIBE … INTO OUTFILE` could write there: a text anyone can sign tokens with.
  fs.writeFileSync(file, '"name","type","default_type","default_expression","comment","codec_expression","ttl_expression"\n"x","UInt8","","","","",""\n');
  assert.throws(() => jwtSecret(dataDir, undefined, { sharedDatabase: false }), (err: Error & { field?: string }) => {
    assert.equal(err.field, 'JWT_SECRET');
    assert.match(err.message, /does not hold a secret this API generated/);
    assert.doesNotMatch(err.message, /UInt8/, 'the message does not repeat what the file holds');
    return true;
  });
  fs.writeFileSync(file, 'a'.repeat(64));
  assert.throws(() => jwtSecret(dataDir, undefined, { sharedDatabase: false }), /does not hold a secret this API generated/);
  fs.rmSync(dataDir, { recursive: true });
});
