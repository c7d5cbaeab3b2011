import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { servingBanner } from './serve.ts';
import { runningBanner } from './start.ts';

/** What `npm start` prints once it serves: a newcomer opens its URLs and follows its pointers. */
describe('npm start banner', () => {
  const banner = runningBanner({ base: 'http://127.0.0.1:8080', seconds: 97.3, keysFile: '/data/api-keys.json', keys: { admin: 'spk_abcdefghijkl', analyst: 'spk_mnopqrstuvwx' } });

  it('prints no URL that is only a prefix of routes (GET /v1 is a 404)', () => {
    const urls = banner.match(/http:\/\/127\.0\.0\.1:8080\S*/g) ?? [];
    assert.ok(urls.length > 0);
    for (const url of urls) assert.doesNotMatch(url, /\/v1\/?$/, `${url} is not a route`);
    assert.match(banner, /http:\/\/127\.0\.0\.1:8080\/docs/);
  });

  it('points to a README section that exists', () => {
    const pointer = /README, section ([^)]+)\)/.exec(banner);
    assert.ok(pointer, `the banner names its README section: ${banner}`);
    const headings = fs.readFileSync(new URL('../../README.md', import.meta.url), 'utf8').split('\n').filter((l) => l.startsWith('#')).map((l) => l.replace(/^#+\s*/, ''));
    assert.ok(headings.includes(pointer[1]), `README has no section "${pointer[1]}" (sections: ${headings.join(', ')})`);
  });

  it('spirit-ml serve prints no such URL either', () => {
    const urls = servingBanner('http://127.0.0.1:8080').match(/http:\/\/127\.0\.0\.1:8080\S*/g) ?? [];
    assert.ok(urls.length > 0);
    for (const url of urls) assert.doesNotMatch(url, /\/v1\/?$/, `${url} is not a route`);
  });

  it('shows key prefixes only, never a whole key', () => {
    assert.doesNotMatch(banner, /spk_abcdefghijkl|spk_mnopqrstuvwx/);
  });
});
