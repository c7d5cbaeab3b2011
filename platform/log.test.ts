import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger, defaultLogFormat, textLine } from './log.ts';

describe('logs', () => {
  it('are readable lines on a terminal and JSON elsewhere, unless LOG_FORMAT says', () => {
    assert.equal(defaultLogFormat({}, true), 'text');
    assert.equal(defaultLogFormat({}, false), 'json');
    assert.equal(defaultLogFormat({ LOG_FORMAT: 'json' }, true), 'json');
    assert.equal(defaultLogFormat({ LOG_FORMAT: 'text' }, false), 'text');
  });

  it('write a text line with the time, the level unless info, the message and quoted fields', () => {
    const at = new Date('2026-12-06T14:03:07.123Z');
    assert.equal(textLine(at, 'info', 'embedded postgres ready', { port: 54329, seconds: 1.5 }), '14:03:07 embedded postgres ready port=54329 seconds=1.5');
    assert.equal(textLine(at, 'warn', 'redis error', { error: 'connect ECONNREFUSED 127.0.0.1:6379', skipped: undefined }), '14:03:07 WARN redis error error="connect ECONNREFUSED 127.0.0.1:6379"');
  });

  it('keep JSON for a given writer and pass the format to children', () => {
    const lines: string[] = [];
    createLogger('info', { component: 'api' }, (l) => lines.push(l)).child({ reqId: 'r1' }).info('answered', { status: 200 });
    assert.deepEqual({ ...JSON.parse(lines[0]), time: undefined }, { time: undefined, level: 'info', msg: 'answered', component: 'api', reqId: 'r1', status: 200 });
    createLogger('info', {}, (l) => lines.push(l), 'text').child({ reqId: 'r2' }).debug('hidden');
    createLogger('info', {}, (l) => lines.push(l), 'text').child({ reqId: 'r2' }).error('failed');
    assert.match(lines[1], /^\d\d:\d\d:\d\d ERROR failed reqId=r2$/);
  });
});
