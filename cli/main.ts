import { loadConfig } from '../platform/config.ts';
import { createLogger } from '../platform/log.ts';
import { InputError, SpiritError } from '../platform/errors.ts';
import { helpText, parseCommandArgs } from './command.ts';
import { COMMANDS } from './commands/index.ts';
import { groupHelpText, subcommandsOf } from './group-help.ts';

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    'Usage: spirit-ml <command> [options]',
    '',
    'Spirit Tours data and ML platform. Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)} ${c.summary}`),
    '',
    'Run `spirit-ml <command> --help` for the options of one command, `spirit-ml <group> --help` (models, pipeline…)',
    'for the subcommands of one group.',
    '',
  ].join('\n');
}

/** Longest command name that the arguments start with, so `import bookings` wins over `import`. */
function findCommand(argv: string[]) {
  let best: (typeof COMMANDS)[number] | undefined;
  for (const entry of COMMANDS) {
    const words = entry.name.split(' ');
    if (words.every((w, i) => argv[i] === w) && (!best || words.length > best.name.split(' ').length)) best = entry;
  }
  return best;
}

export async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    process.stdout.write(overview());
    return argv.length === 0 ? 2 : 0;
  }
  const entry = findCommand(argv);
  if (!entry) {
    const prefix = subcommandsOf(argv[0]).map((c) => c.name);
    if (prefix.length && (argv[1] === '--help' || argv[1] === '-h')) {
      process.stdout.write(groupHelpText(argv[0]));
      return 0;
    }
    const hint = prefix.length ? `did you mean: ${prefix.join(', ')}?` : 'run `spirit-ml --help` for the list';
    process.stderr.write(`spirit-ml: unknown command "${argv.slice(0, 2).join(' ')}"; ${hint}\n`);
    return 2;
  }
  const { command } = await entry.load();
  const rest = argv.slice(entry.name.split(' ').length);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(helpText(command));
    return 0;
  }
  try {
    const config = loadConfig();
    const args = parseCommandArgs(command, rest);
    const log = createLogger(config.logLevel, { command: command.name });
    const code = await command.run(args, { config, log, out: (t) => process.stdout.write(t) });
    return code ?? 0;
  } catch (err) {
    if (err instanceof InputError) {
      process.stderr.write(`spirit-ml ${command.name}: ${err.message}\nRun \`spirit-ml ${command.name} --help\` for usage.\n`);
      return 2;
    }
    if (err instanceof SpiritError) {
      process.stderr.write(`spirit-ml ${command.name}: ${err.message}\n`);
      return 1;
    }
    process.stderr.write(`spirit-ml ${command.name}: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}

const code = await main(process.argv.slice(2));
// Embedded databases and pools may hold the event loop open; a CLI run ends when its command does,
// except the long-running ones (start, serve, worker) which never return. Exit only once stdout has been
// flushed: a pipe takes large outputs in pieces, and exiting at once would cut them short.
process.stdout.write('', () => process.exit(code));
