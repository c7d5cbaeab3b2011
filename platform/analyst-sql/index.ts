/** The analyst SQL guard: the one way analysts' queries reach the warehouse (see README.md beside this file). */
export { AnalystWarehouse, type AnalystConnection } from './analyst-connection.ts';
export { AnalystSqlError } from './analyst-errors.ts';
export { API_LIMITS, CLI_LIMITS, LIMIT_CEILINGS, type AnalystLimits } from './limits.ts';
export { ALLOWED_SETTINGS } from './allowed-settings.ts';
export { ANALYST_FORMATS, CONTENT_TYPES, MAX_SQL_LENGTH, runAnalystQuery, type AnalystColumn, type AnalystFormat, type AnalystQuery, type AnalystResult } from './run-analyst-query.ts';
