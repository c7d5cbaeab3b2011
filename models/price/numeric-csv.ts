import { InputError } from '../../platform/errors.ts';
import type { FeatureMatrix } from './matrix.ts';

/**
 * A CSV of numeric columns with a header row, split into a target column and feature columns, as `spirit-ml learn`
 * reads it. Plain comma-separated values (no quoting): the feature tables exported for learning are numbers only.
 * A bad cell is reported with its file, line and column so it can be found in an editor.
 */
export interface NumericTable {
  featureNames: string[];
  x: FeatureMatrix;
  y: Float64Array;
}

export function parseNumericCsv(text: string, target: string, source = 'input'): NumericTable {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  if (lines.length === 0) throw new InputError(`${source} is empty: a header row is expected`, 'header');
  const header = lines[0].split(',').map((h) => h.trim());
  const targetIndex = header.indexOf(target);
  if (targetIndex < 0) throw new InputError(`${source} has no column "${target}" (columns: ${header.join(', ')})`, 'target');
  const featureNames = header.filter((_, i) => i !== targetIndex);
  const rows = lines.length - 1;
  const columns = featureNames.length;
  const values = new Float64Array(rows * columns);
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const lineNo = r + 2;
    const cells = lines[r + 1].split(',');
    if (cells.length !== header.length) throw new InputError(`${source} line ${lineNo} has ${cells.length} cells, the header has ${header.length}`, 'row');
    let f = 0;
    for (let c = 0; c < cells.length; c++) {
      const cell = cells[c].trim();
      const value = cell === '' ? NaN : Number(cell);
      if (!Number.isFinite(value)) {
        throw new InputError(`${source} line ${lineNo}, column ${c + 1} ("${header[c]}"): "${cell}" is not a number`, header[c]);
      }
      if (c === targetIndex) y[r] = value;
      else values[r * columns + f++] = value;
    }
  }
  return { featureNames, x: { values, rows, columns }, y };
}

/** The columns of `table` reordered to match `featureNames` (a test file may order its columns differently). */
export function alignColumns(table: NumericTable, featureNames: readonly string[], source: string): FeatureMatrix {
  const index = featureNames.map((name) => {
    const i = table.featureNames.indexOf(name);
    if (i < 0) throw new InputError(`${source} has no column "${name}", which the training file has`, name);
    return i;
  });
  const { rows, columns } = table.x;
  const values = new Float64Array(rows * featureNames.length);
  for (let r = 0; r < rows; r++) for (let f = 0; f < index.length; f++) values[r * index.length + f] = table.x.values[r * columns + index[f]];
  return { values, rows, columns: featureNames.length };
}
