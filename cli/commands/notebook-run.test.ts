import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../../test/support/services.ts';
import { runSpiritMl } from '../../test/support/spirit-ml-cli.ts';

/**
 * `spirit-ml notebook run` as an analyst mistypes it: each mistake below crashed with a stack trace (EISDIR, a
 * TypeError from vega-lite, an uncaught error from vega) or printed a report of zeros with exit 0. Each must now
 * stop with exit 2 and a message that names what to fix, and write no report. Run as a separate process, as an
 * analyst runs it, on its own embedded ClickHouse.
 */

describe('spirit-ml notebook run refuses what it cannot run, with exit 2 and no stack trace', () => {
  let scratch: string;
  let env: Record<string, string>;

  before(() => {
    scratch = tempDir('notebook-run');
    env = { SPIRIT_DATA_DIR: path.join(scratch, 'data') };
  });

  const refused = (result: { code: number | null; out: string; err: string }, reason: RegExp) => {
    assert.equal(result.code, 2, `exit 2 expected; got ${result.code}\nstdout: ${result.out.slice(0, 400)}\nstderr: ${result.err.slice(0, 800)}`);
    assert.match(result.err, reason);
    assert.doesNotMatch(result.err, /\n\s+at /, 'no stack trace');
  };

  it('refuses a folder given as FILE or as --out before running anything', async () => {
    const report = path.join(scratch, 'report.html');
    refused(await runSpiritMl(env, 'notebook', 'run', 'notebooks', '--out', report), /FILE notebooks is not a file/);
    const folder = path.join(scratch, 'reports');
    fs.mkdirSync(folder);
    refused(await runSpiritMl(env, 'notebook', 'run', 'notebooks/seasonality.md', '--out', folder), new RegExp(`--out ${folder} is a folder`));
    assert.ok(!fs.existsSync(report));
    assert.deepEqual(fs.readdirSync(folder), []);
  });

  it('refuses to write the report over the notebook itself', async () => {
    const notebook = path.join(scratch, 'mine.md');
    fs.copyFileSync('notebooks/seasonality.md', notebook);
    const source = fs.readFileSync(notebook, 'utf8');
    refused(await runSpiritMl(env, 'notebook', 'run', notebook, '--out', path.join(scratch, '.', 'mine.md')), /--out .*mine\.md is the notebook itself/);
    assert.equal(fs.readFileSync(notebook, 'utf8'), source, 'the notebook is as it was');
  });

  it('refuses a chart spec vega-lite cannot draw, naming the cell, its line and the spec', async () => {
    const notebook = path.join(scratch, 'blob.md');
    fs.writeFileSync(notebook, ['# Travellers', '```sql n', 'SELECT 1 AS travellers', '```', '```vega-lite n', '{ "mark": "blob", "encoding": { "y": { "field": "travellers", "type": "quantitative" } } }', '```'].join('\n'));
    const report = path.join(scratch, 'blob.html');
    refused(await runSpiritMl(env, 'notebook', 'run', notebook, '--out', report), /chart of sql cell n \(line 5\): spec\.mark: "blob" is not a Vega-Lite mark/);
    assert.ok(!fs.existsSync(report));
  });

  it('refuses a destination code that is not one, naming the parameter, instead of a report of zeros', async () => {
    const report = path.join(scratch, 'pace.html');
    refused(await runSpiritMl(env, 'notebook', 'run', 'notebooks/booking-pace.md', '--param', 'destination=puno', '--out', report), /--param destination=puno: no such destination/);
    assert.ok(!fs.existsSync(report));
  });
});
