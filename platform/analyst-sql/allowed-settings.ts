/**
 * Settings an analyst may change in a query's SETTINGS clause: they change how the answer is computed or printed,
 * never what may be read, how much, or for how long. Each maps the value as written to the literal that is set;
 * a value outside its list is refused. On a server these are the analyst profile's CHANGEABLE_IN_READONLY
 * settings (deploy/clickhouse/analyst-user.sh); everything else is fixed by readonly=1.
 */
const BOOLEAN: Record<string, string> = { '0': '0', '1': '1', false: '0', true: '1' };

function oneOf(...values: string[]): Record<string, string> {
  return Object.fromEntries(values.map((v) => [`'${v}'`, `'${v}'`]));
}

export const ALLOWED_SETTINGS: Record<string, Record<string, string> | ((value: string) => string | undefined)> = {
  join_use_nulls: BOOLEAN,
  aggregate_functions_null_for_empty: BOOLEAN,
  transform_null_in: BOOLEAN,
  cast_keep_nullable: BOOLEAN,
  prefer_column_name_to_alias: BOOLEAN,
  joined_subquery_requires_alias: BOOLEAN,
  union_default_mode: oneOf('ALL', 'DISTINCT', ''),
  date_time_output_format: oneOf('simple', 'iso', 'unix_timestamp'),
  // An IANA zone name, e.g. 'America/Lima'.
  session_timezone: (value) => (/^'[A-Za-z]+(?:\/[A-Za-z0-9_+-]+){0,2}'$/.test(value) ? value : undefined),
};

/** The literal to set for an allowed setting's value, or undefined when the setting or the value is not allowed. */
export function allowedValue(name: string, value: string): string | undefined {
  const rule = ALLOWED_SETTINGS[name];
  if (!rule) return undefined;
  return typeof rule === 'function' ? rule(value) : rule[value];
}
