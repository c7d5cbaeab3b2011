/** A plain text table for terminal output: header, a rule, right-aligned numbers, long cells cut. */
export function renderTable(columns: Array<{ name: string; type: string }>, rows: unknown[][], maxCell = 60): string {
  const numeric = columns.map((c) => /^(Nullable\()?(U?Int|Float|Decimal)/.test(c.type));
  const cell = (v: unknown) => {
    const text = v === null ? 'NULL' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    return text.length > maxCell ? text.slice(0, maxCell - 1) + '…' : text;
  };
  const body = rows.map((r) => r.map(cell));
  const widths = columns.map((c, i) => Math.max(c.name.length, ...body.map((r) => r[i].length)));
  const line = (values: string[]) => values.map((v, i) => (numeric[i] ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(columns.map((c) => c.name)), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n') + '\n';
}
