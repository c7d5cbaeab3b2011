import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redactUrl } from './redact-url.ts';

/**
 * Found in the security review: a password given as a query parameter, one holding `@` or `/`, and a URL without
 * a scheme were printed as written (cannot reach PostgreSQL at …).
 */
test('a connection URL is printed without any password', () => {
  assert.equal(redactUrl('postgres://spirit:S3cret@db:5432/spirit'), 'postgres://spirit:***@db:5432/spirit');
  assert.equal(redactUrl('redis://:S3cret@cache:6379'), 'redis://:***@cache:6379');
  assert.equal(redactUrl('http://clickhouse:8123'), 'http://clickhouse:8123', 'nothing to mask: as written');
  for (const url of [
    'postgres://127.0.0.1:5432/x?password=S3cret&user=spirit',
    'postgres://127.0.0.1:5432/x?user=spirit&sslpassword=S3cret',
    'postgres://spirit:S3c@ret@db/x',
    'postgres://spirit:S3c/ret@db/x',
    'spirit:S3cret@db/x',
    // Digits then /, # or ?: the parser reads a port and a path, and finds no password (review of the first fix).
    'postgres://spirit:2024/S3cret@db/x',
    'postgres://spirit:1234#S3cret@db:5432/x',
    'postgres://spirit:55?S3cret@db/x',
    'not a url S3cret',
  ]) {
    assert.doesNotMatch(redactUrl(url), /S3c/, url);
  }
  assert.match(redactUrl('postgres://127.0.0.1:5432/x?password=S3cret&user=spirit'), /user=spirit/, 'the rest of the URL stays readable');
});
