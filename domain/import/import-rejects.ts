import type pg from 'pg';
import { NotFoundError } from '../../platform/errors.ts';

/** One row of an import that could not be loaded, as kept in import_rejects. */
export interface ImportReject {
  lineNumber: number;
  field: string | null;
  reason: string;
  rawLine: string;
}

/** The rows an import refused, in file order; an unknown import id is a NotFoundError naming it. */
export async function listImportRejects(pool: pg.Pool, importId: number, options: { limit?: number } = {}): Promise<{ fileName: string; status: string; rejects: ImportReject[] }> {
  const imported = await pool.query<{ file_name: string; status: string }>('SELECT file_name, status FROM imports WHERE id = $1', [importId]);
  if (imported.rowCount === 0) throw new NotFoundError(`import ${importId} does not exist (see the import id in the summary that import bookings printed)`, 'IMPORT_ID');
  const { rows } = await pool.query<{ line_number: number; field: string | null; reason: string; raw_line: string }>(
    'SELECT line_number, field, reason, raw_line FROM import_rejects WHERE import_id = $1 ORDER BY line_number LIMIT $2',
    [importId, options.limit ?? 1000],
  );
  return {
    fileName: imported.rows[0].file_name,
    status: imported.rows[0].status,
    rejects: rows.map((r) => ({ lineNumber: r.line_number, field: r.field, reason: r.reason, rawLine: r.raw_line })),
  };
}
