import { COMMANDS } from './commands/index.ts';

/**
 * `spirit-ml <group> --help` for a group of subcommands (`models`, `pipeline`, `import`…): a group is not a
 * command itself, so without this its help was an "unknown command" and exit 2, and the only way to see what
 * it holds was the full overview. The one-line descriptions are the overview's, from the command index, so
 * listing a group loads none of its modules.
 */

/** The subcommands whose first word is `group`; empty when `group` names no group. */
export function subcommandsOf(group: string): typeof COMMANDS {
  return COMMANDS.filter((c) => c.name.startsWith(group + ' '));
}

/** Every group: the first words of the multi-word commands, in the order of the index. */
export function commandGroups(): string[] {
  return [...new Set(COMMANDS.filter((c) => c.name.includes(' ')).map((c) => c.name.split(' ')[0]))];
}

export function groupHelpText(group: string): string {
  const entries = subcommandsOf(group);
  const width = Math.max(...entries.map((c) => c.name.length)) + 2;
  return [
    `Usage: spirit-ml ${group} <subcommand> [options]`,
    '',
    'Subcommands:',
    ...entries.map((c) => `  ${c.name.padEnd(width)} ${c.summary}`),
    '',
    `Run \`spirit-ml ${group} <subcommand> --help\` for the options of one subcommand.`,
    '',
  ].join('\n');
}
