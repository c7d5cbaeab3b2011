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

/** The declared type of each `{name:Type}` parameter of the canonical text (a name declared twice keeps its first type). */
export function parameterTypes(canonical: string): Map<string, string> {
  const types = new Map<string, string>();
  // Outside string literals only: a literal may contain braces.
  const code = canonical.replace(/'(?:[^'\\]|\\.)*'/g, "''");
  for (const m of code.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*):((?:[^{}]|\([^()]*\))+)\}/g)) {
    if (!types.has(m[1])) types.set(m[1], m[2].trim());
  }
  return types;
}
