import fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { Config } from '../platform/config.ts';
import type { Logger } from '../platform/log.ts';
import { UsageError } from '../platform/errors.ts';

/** One option of a subcommand: what `--help` prints and how the value parses. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  description: string;
  default?: string | boolean;
  multiple?: boolean;
  short?: string;
}

export interface PositionalSpec {
  name: string;
  description: string;
  optional?: boolean;
}

export interface CliContext {
  config: Config;
  log: Logger;
  /** The command's own output (tables, JSON). Logs and progress go to stderr. */
  out: (text: string) => void;
}

export interface Command {
  /** Words after `spirit-ml`, e.g. `import bookings`. */
  name: string;
  summary: string;
  options: Record<string, OptionSpec>;
  positionals?: PositionalSpec[];
  /** Longer text printed after the options by `--help`. */
  details?: string;
  run(args: ParsedArgs, ctx: CliContext): Promise<number | void>;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export function helpText(command: Command): string {
  const pos = (command.positionals ?? []).map((p) => (p.optional ? `[${p.name}]` : p.name)).join(' ');
  const lines = [`Usage: spirit-ml ${command.name}${pos ? ' ' + pos : ''} [options]`, '', command.summary, ''];
  if (command.positionals?.length) {
    lines.push('Arguments:');
    for (const p of command.positionals) lines.push(`  ${p.name.padEnd(24)} ${p.description}`);
    lines.push('');
  }
  lines.push('Options:');
  const entries = Object.entries(command.options);
  for (const [name, spec] of entries) {
    const flag = `--${name}${spec.type === 'string' ? ' VALUE' : ''}`;
    const def = spec.default === undefined ? '' : ` (default: ${String(spec.default)})`;
    lines.push(`  ${flag.padEnd(24)} ${spec.description}${def}`);
  }
  lines.push(`  ${'--help'.padEnd(24)} Show this help`);
  if (command.details) lines.push('', command.details);
  return lines.join('\n') + '\n';
}

/** Strict parsing: an unknown flag, a missing value or a missing argument is a UsageError (exit 2). */
export function parseCommandArgs(command: Command, argv: string[]): ParsedArgs {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string; default?: string | boolean }> = {};
  for (const [name, spec] of Object.entries(command.options)) {
    // node's parseArgs rejects keys that are present but undefined, so only set what the spec defines.
    const option: (typeof options)[string] = { type: spec.type };
    if (spec.multiple !== undefined) option.multiple = spec.multiple;
    if (spec.short !== undefined) option.short = spec.short;
    if (spec.default !== undefined) option.default = spec.default;
    options[name] = option;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''));
  }
  const specs = command.positionals ?? [];
  const required = specs.filter((p) => !p.optional).length;
  if (parsed.positionals.length < required) {
    throw new UsageError(`missing argument ${specs[parsed.positionals.length].name}`, specs[parsed.positionals.length].name);
  }
  if (parsed.positionals.length > specs.length) {
    throw new UsageError(`unexpected argument "${parsed.positionals[specs.length]}"`);
  }
  return { values: parsed.values as ParsedArgs['values'], positionals: parsed.positionals };
}

/** Typed readers for option values; each names the flag when the value is wrong. */
export function intArg(args: ParsedArgs, name: string, opts: { min?: number; max?: number; fallback?: number } = {}): number {
  const raw = args.values[name];
  if (raw === undefined) {
    if (opts.fallback !== undefined) return opts.fallback;
    throw new UsageError(`--${name} is required`, name);
  }
  // Written out in digits: Number() would also take 0x10, 1e3 or 0b1 and run with a number the user never wrote.
  const value = Number(raw);
  if (typeof raw !== 'string' || !/^-?\d+$/.test(raw) || !Number.isSafeInteger(value)) {
    throw new UsageError(`--${name} must be a whole number, got "${String(raw)}"`, name);
  }
  if (opts.min !== undefined && value < opts.min) throw new UsageError(`--${name} must be at least ${opts.min}, got ${value}`, name);
  if (opts.max !== undefined && value > opts.max) throw new UsageError(`--${name} must be at most ${opts.max}, got ${value}`, name);
  return value;
}

export function numberArg(args: ParsedArgs, name: string, opts: { min?: number; max?: number; fallback?: number } = {}): number {
  const raw = args.values[name];
  if (raw === undefined) {
    if (opts.fallback !== undefined) return opts.fallback;
    throw new UsageError(`--${name} is required`, name);
  }
  // A decimal numeral (an exponent allowed): not hexadecimal, octal or binary, which Number() reads as well.
  const value = Number(raw);
  if (typeof raw !== 'string' || !/^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(raw) || !Number.isFinite(value)) {
    throw new UsageError(`--${name} must be a number, got "${String(raw)}"`, name);
  }
  if (opts.min !== undefined && value < opts.min) throw new UsageError(`--${name} must be at least ${opts.min}, got ${value}`, name);
  if (opts.max !== undefined && value > opts.max) throw new UsageError(`--${name} must be at most ${opts.max}, got ${value}`, name);
  return value;
}

/**
 * A file the command reads, as given for `label` ("--file", "FILE"): it must exist and be a file, not a folder, which
 * would otherwise crash the read with EISDIR and a stack trace. `hint` says what to give instead.
 */
export function existingFile(path: string, label: string, field: string, hint: string): string {
  if (!fs.existsSync(path)) throw new UsageError(`${label} ${path} does not exist`, field);
  if (!fs.statSync(path).isFile()) throw new UsageError(`${label} ${path} is not a file (a folder?): ${hint}`, field);
  return path;
}

export function stringArg(args: ParsedArgs, name: string, fallback?: string): string {
  const raw = args.values[name];
  if (raw === undefined || raw === '') {
    if (fallback !== undefined) return fallback;
    throw new UsageError(`--${name} is required`, name);
  }
  return String(raw);
}

export function choiceArg<T extends string>(args: ParsedArgs, name: string, choices: readonly T[], fallback?: T): T {
  const raw = args.values[name];
  if (raw === undefined) {
    if (fallback !== undefined) return fallback;
    throw new UsageError(`--${name} is required (one of ${choices.join(', ')})`, name);
  }
  if (!choices.includes(raw as T)) throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got "${String(raw)}"`, name);
  return raw as T;
}
