import type { Command } from '../command.ts';

/**
 * Every subcommand of `spirit-ml`, loaded lazily so that `spirit-ml sql` does not pay for TensorFlow.js.
 * A module exports `command: Command`. Add a line here to add a subcommand.
 */
export const COMMANDS: Array<{ name: string; summary: string; load: () => Promise<{ command: Command }> }> = [
  { name: 'learn', summary: 'Train a tree learner on a numeric CSV and score it on a test CSV', load: () => import('./learn.ts') },
];
