import { InputError } from '../../platform/errors.ts';

/**
 * Reader of the tourism forecasting competition files (Athanasopoulos et al. 2011): one column per series,
 * row 1 the names, row 2 the number of observations, row 3 the start year, row 4 the start period (month,
 * quarter, week or day of year; absent from the yearly files), then the observations; columns are ragged (empty
 * cells below a short series). Cells below a series' announced length are ignored: yearly Y248 has a stray
 * value 320 rows below its end.
 */
export interface CompetitionSeries {
  name: string;
  startYear: number;
  startPeriod: number;
  values: Float64Array;
}

export function parseCompetitionCsv(text: string, file: string, hasStartPeriodRow: boolean): CompetitionSeries[] {
  const rows = text.split(/\r?\n/).filter((line) => /[^,\s]/.test(line)).map((line) => line.split(','));
  const names = rows[0].map((n) => n.trim().replace(/^"|"$/g, ''));
  const headerRows = hasStartPeriodRow ? 4 : 3;
  if (rows.length < headerRows) throw new InputError(`${file}: expected ${headerRows} header rows, got ${rows.length}`, 'file');
  return names.map((name, column) => {
    const header = (row: number, what: string) => {
      const value = Number(rows[row][column]);
      if (!Number.isFinite(value)) throw new InputError(`${file}: series ${name} has no ${what} in row ${row + 1}`, 'file');
      return value;
    };
    const length = header(1, 'number of observations');
    const values = new Float64Array(length);
    for (let i = 0; i < length; i++) {
      const cell = rows[headerRows + i]?.[column]?.trim();
      const value = cell === undefined || cell === '' ? NaN : Number(cell);
      if (!Number.isFinite(value)) throw new InputError(`${file}: series ${name} announces ${length} observations but value ${i + 1} is "${cell ?? ''}"`, 'file');
      values[i] = value;
    }
    return { name, startYear: header(2, 'start year'), startPeriod: hasStartPeriodRow ? header(3, 'start period') : 1, values };
  });
}

/** The same layout written back (for generated data sets, so the reader above is what every benchmark reads). */
export function formatCompetitionCsv(series: readonly CompetitionSeries[], hasStartPeriodRow: boolean): string {
  const longest = Math.max(0, ...series.map((s) => s.values.length));
  const rows = [series.map((s) => s.name), series.map((s) => String(s.values.length)), series.map((s) => String(s.startYear))];
  if (hasStartPeriodRow) rows.push(series.map((s) => String(s.startPeriod)));
  for (let i = 0; i < longest; i++) rows.push(series.map((s) => (i < s.values.length ? String(s.values[i]) : '')));
  return rows.map((row) => row.join(',')).join('\n') + '\n';
}
