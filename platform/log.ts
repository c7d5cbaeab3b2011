/**
 * Logs on stderr, so stdout stays for a command's own output (tables, JSON results): one JSON object per line for
 * machines, or, on a terminal, one readable line per event (LOG_FORMAT=json|text overrides the choice).
 * Never log secrets or personal data: pass ids, counts and durations.
 */
type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

export type LogFormat = 'json' | 'text';

/** JSON unless a person reads stderr on a terminal; LOG_FORMAT decides when set. */
export function defaultLogFormat(env: NodeJS.ProcessEnv = process.env, terminal = process.stderr.isTTY === true): LogFormat {
  if (env.LOG_FORMAT === 'json' || env.LOG_FORMAT === 'text') return env.LOG_FORMAT;
  return terminal ? 'text' : 'json';
}

const stderrLine = (line: string) => process.stderr.write(line + '\n');

/** `14:03:07 WARN redis error error="connect ECONNREFUSED"`: the time, the level unless info, the message, the fields. */
export function textLine(time: Date, level: Level, msg: string, fields: Record<string, unknown>): string {
  const parts = [time.toISOString().slice(11, 19)];
  if (level !== 'info') parts.push(level.toUpperCase());
  parts.push(msg);
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    parts.push(`${key}=${/^[^\s"=]+$/.test(text) ? text : JSON.stringify(text)}`);
  }
  return parts.join(' ');
}

export function createLogger(
  level: Level | 'silent' = (process.env.LOG_LEVEL as Level | undefined) ?? 'info',
  base: Record<string, unknown> = {},
  write: (line: string) => void = stderrLine,
  format: LogFormat = write === stderrLine ? defaultLogFormat() : 'json',
): Logger {
  const threshold = ORDER[level] ?? ORDER.info;
  const emit = (lvl: Level, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[lvl] < threshold) return;
    const time = new Date();
    write(format === 'text' ? textLine(time, lvl, msg, { ...base, ...fields }) : JSON.stringify({ time: time.toISOString(), level: lvl, msg, ...base, ...fields }));
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger(level, { ...base, ...fields }, write, format),
  };
}

export const log = createLogger();
