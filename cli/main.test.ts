import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMMANDS } from './commands/index.ts';
import { commandGroups } from './group-help.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The real CLI, as a user runs it: help is printed before any configuration or store is read. */
function cli(args: string[]) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'error' } });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

describe('spirit-ml <group> --help', () => {
  const groups = commandGroups();

  it('knows the groups of the command index', () => {
    for (const group of ['import', 'models', 'pipeline', 'keys', 'customers', 'guardrails', 'quote', 'jobs']) assert.ok(groups.includes(group), group);
  });

  for (const group of groups) {
    it(`${group} --help lists its subcommands with their descriptions on stdout and exits 0`, () => {
      const help = cli([group, '--help']);
      assert.equal(help.code, 0, help.err);
      assert.equal(help.err, '');
      assert.match(help.out, new RegExp(`^Usage: spirit-ml ${group} <subcommand>`));
      const subcommands = COMMANDS.filter((c) => c.name.startsWith(group + ' '));
      assert.ok(subcommands.length > 0);
      for (const c of subcommands) assert.ok(help.out.includes(`  ${c.name} `) && help.out.includes(c.summary), `${c.name} is listed with "${c.summary}":\n${help.out}`);
    });
  }

  it('takes -h as well; an unknown subcommand of a group is still a usage error (exit 2)', () => {
    const short = cli(['pipeline', '-h']);
    assert.equal(short.code, 0, short.err);
    assert.match(short.out, /pipeline run\s+Run the pipeline/);
    const unknown = cli(['models', 'bogus', '--help']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /unknown command "models bogus"; did you mean: models list/);
  });
});
