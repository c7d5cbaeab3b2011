import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { createLogger } from './log.ts';
import { missingServingV8Flags, SERVING_V8_FLAGS, tuneV8ForServing } from './serving-v8.ts';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');

describe('V8 flags of a serving process', () => {
  it('tells which start flags are missing, in either spelling V8 accepts', () => {
    assert.deepEqual(missingServingV8Flags(['--import', 'tsx']), [...SERVING_V8_FLAGS]);
    assert.deepEqual(missingServingV8Flags(['--no-memory-reducer', '--import', 'tsx']), []);
    assert.deepEqual(missingServingV8Flags(['--no_memory_reducer']), []);
    assert.deepEqual(missingServingV8Flags(['--memory-reducer']), ['--no-memory-reducer']);
  });

  it('reads the flags node was really started with', async () => {
    const script = `import('${path.join(root, 'platform/serving-v8.ts')}').then((m) => console.log(JSON.stringify(m.missingServingV8Flags())))`;
    const withFlags = await run(process.execPath, [...SERVING_V8_FLAGS, '--import', 'tsx', '--eval', script], { cwd: root });
    assert.deepEqual(JSON.parse(withFlags.stdout), []);
    const without = await run(process.execPath, ['--import', 'tsx', '--eval', script], { cwd: root });
    assert.deepEqual(JSON.parse(without.stdout), [...SERVING_V8_FLAGS]);
  });

  it('warns once, naming the flag and how to start the API, when the process lacks them', () => {
    const lines: string[] = [];
    tuneV8ForServing(createLogger('info', {}, (line) => lines.push(line)));
    // This test process is started without them (scripts/run-tests.mjs).
    assert.equal(lines.length, 1);
    const entry = JSON.parse(lines[0]) as { level: string; msg: string; missingFlags: string[] };
    assert.equal(entry.level, 'warn');
    assert.deepEqual(entry.missingFlags, ['--no-memory-reducer']);
    assert.match(entry.msg, /node --no-memory-reducer bin\/spirit-ml\.js serve/);
  });

  it('is given by every launcher of the API: npm start, npm run spirit-ml, the spirit-ml command and the image', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    for (const name of ['start', 'spirit-ml']) {
      for (const flag of SERVING_V8_FLAGS) assert.ok(scripts[name].split(' ').includes(flag), `package.json script ${name} lacks ${flag}: ${scripts[name]}`);
    }
    const shebang = read('bin/spirit-ml.js').split('\n')[0];
    assert.equal(shebang, `#!/usr/bin/env -S node ${SERVING_V8_FLAGS.join(' ')}`);
    const entrypoint = /^ENTRYPOINT (.*)$/m.exec(read('Dockerfile'))?.[1];
    assert.deepEqual(JSON.parse(entrypoint ?? 'null'), ['node', ...SERVING_V8_FLAGS, 'bin/spirit-ml.js']);
  });

  it('the spirit-ml command runs through its shebang (env -S passes node its flags)', async () => {
    const { stdout } = await run(path.join(root, 'bin/spirit-ml.js'), ['--help'], { cwd: root });
    assert.match(stdout, /serve/);
  });
});
