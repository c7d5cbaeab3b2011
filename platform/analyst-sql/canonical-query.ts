/**
 * What the guard reads from the canonical text of a query (ClickHouse's `formatQuery`, which prints one statement
 * in a fixed layout: each clause on its own line, string literals escaped onto one line, comments gone): the
 * settings of each SETTINGS clause and the declared type of each query parameter. EXPLAIN AST shows a SETTINGS
 * clause only as `Set`, so the names and values come from here; the guard checks that both agree on how many
 * clauses there are, and ClickHouse's readonly mode refuses any setting that this reading missed.
 */
export interface SettingChange {
  name: string;
  /** The value as the canonical text writes it: a number, true/false, or a quoted string. */
  value: string;
}

/** Splits `a = 1, b = 'x, y'` at the commas that are outside quotes. */
function splitOutsideQuotes(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      current += c;
      if (c === '\\' && i + 1 < text.length) current += text[++i];
      else if (c === quote) quote = undefined;
    } else if (c === "'" || c === '`' || c === '"') {
      quote = c;
      current += c;
    } else if (c === ',') {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts.map((p) => p.trim());
}

/** Each SETTINGS clause of the canonical text, in order; undefined when a clause cannot be read. */
export function settingsClauses(canonical: string): SettingChange[][] | undefined {
  const clauses: SettingChange[][] = [];
  for (const line of canonical.split('\n')) {
    const match = /^\s*SETTINGS (.+)$/.exec(line);
    if (!match) continue;
    const changes: SettingChange[] = [];
    for (const part of splitOutsideQuotes(match[1])) {
      const setting = /^([A-Za-z_][A-Za-z0-9_]*) = (.+)$/.exec(part);
      if (!setting) return undefined;
      changes.push({ name: setting[1], value: setting[2] });
    }
    clauses.push(changes);
  }
  return clauses;
}

/** The canonical text with every string literal emptied (''), to read its words and not what it quotes. */
export function withoutStringLiterals(canonical: string): string {
  return canonical.replace(/'(?:[^'\\]|\\.)*'/g, "''");
}

/** The declared type of each `{name:Type}` parameter of the canonical text (a name declared twice keeps its first type). */
export function parameterTypes(canonical: string): Map<string, string> {
  const types = new Map<string, string>();
  // Outside string literals only: a literal may contain braces.
  const code = withoutStringLiterals(canonical);
  for (const m of code.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*):((?:[^{}]|\([^()]*\))+)\}/g)) {
    if (!types.has(m[1])) types.set(m[1], m[2].trim());
  }
  return types;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', a: '\x07', e: '\x1b', '0': '\0' };
const CONTROL = /[\x00-\x1f\x7f]/;

/**
 * The first quoted identifier or alias of the canonical text that holds a control character (a line break, a tab…),
 * written as an escape or as itself; undefined when there is none. EXPLAIN AST prints identifiers and aliases as
 * they are, one node per line: a line break in an alias would print the rest of it as a node of its own, which
 * the guard would then read as part of the query.
 */
export function controlCharacterIdentifier(canonical: string): string | undefined {
  for (let i = 0; i < canonical.length; i++) {
    const quote = canonical[i];
    if (quote !== "'" && quote !== '`' && quote !== '"') continue;
    let text = '';
    for (i++; i < canonical.length && canonical[i] !== quote; i++) {
      if (canonical[i] !== '\\' || i + 1 >= canonical.length) {
        text += canonical[i];
        continue;
      }
      const c = canonical[++i];
      const hex = c === 'x' ? /^[0-9A-Fa-f]{2}/.exec(canonical.slice(i + 1, i + 3)) : null;
      if (hex) {
        text += String.fromCharCode(parseInt(hex[0], 16));
        i += 2;
      } else text += ESCAPES[c] ?? c;
    }
    if (quote !== "'" && CONTROL.test(text)) return text;
  }
  return undefined;
}
