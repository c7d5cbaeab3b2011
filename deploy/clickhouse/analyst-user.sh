#!/bin/bash
# The analysts' ClickHouse user (platform/analyst-sql/README.md): readonly=1, SELECT on the warehouse database
# only, limits bounded by its profile's constraints. Run once by the ClickHouse image on first start
# (docker-entrypoint-initdb.d); run it again to update an existing server (it replaces the profile and resets the
# user's password and settings):  docker-compose exec clickhouse bash /docker-entrypoint-initdb.d/analyst-user.sh
# CHANGEABLE_IN_READONLY needs settings_constraints_replace_previous (config.d/analyst-constraints.xml).
# The MAX values are the ceilings of platform/analyst-sql/limits.ts; the CHANGEABLE_IN_READONLY settings without a
# value are its allowed-settings.ts (platform/analyst-sql/server-profile.test.ts checks both).
set -euo pipefail
: "${ANALYST_PASSWORD:?set CLICKHOUSE_ANALYST_PASSWORD}"
: "${CLICKHOUSE_DB:?set CLICKHOUSE_DB}"
# A ClickHouse string literal: backslashes and quotes escaped.
password=${ANALYST_PASSWORD//\\/\\\\}
password=${password//\'/\\\'}
clickhouse client --user "$CLICKHOUSE_USER" --password "$CLICKHOUSE_PASSWORD" --multiquery <<SQL
CREATE SETTINGS PROFILE OR REPLACE analyst_profile SETTINGS
  readonly = 1,
  allow_ddl = 0 CONST,
  allow_introspection_functions = 0 CONST,
  max_execution_time = 120 MIN 1 MAX 300 CHANGEABLE_IN_READONLY,
  timeout_overflow_mode = 'throw' CONST,
  max_result_rows = 1000000 MIN 1 MAX 1000000 CHANGEABLE_IN_READONLY,
  max_result_bytes = 536870912 MIN 1 MAX 1073741824 CHANGEABLE_IN_READONLY,
  result_overflow_mode = 'throw' CONST,
  max_memory_usage = 2147483648 MIN 1 MAX 4294967296 CHANGEABLE_IN_READONLY,
  max_threads = 16 MIN 1 MAX 16 CHANGEABLE_IN_READONLY,
  output_format_json_quote_64bit_integers = 0 CHANGEABLE_IN_READONLY,
  output_format_json_validate_utf8 = 1 CHANGEABLE_IN_READONLY,
  join_use_nulls CHANGEABLE_IN_READONLY,
  aggregate_functions_null_for_empty CHANGEABLE_IN_READONLY,
  transform_null_in CHANGEABLE_IN_READONLY,
  cast_keep_nullable CHANGEABLE_IN_READONLY,
  prefer_column_name_to_alias CHANGEABLE_IN_READONLY,
  joined_subquery_requires_alias CHANGEABLE_IN_READONLY,
  union_default_mode CHANGEABLE_IN_READONLY,
  date_time_output_format CHANGEABLE_IN_READONLY,
  session_timezone CHANGEABLE_IN_READONLY;
CREATE USER IF NOT EXISTS analyst IDENTIFIED WITH sha256_password BY '${password}' DEFAULT DATABASE ${CLICKHOUSE_DB} SETTINGS PROFILE 'analyst_profile', readonly = 1;
ALTER USER analyst IDENTIFIED WITH sha256_password BY '${password}' DEFAULT DATABASE ${CLICKHOUSE_DB} SETTINGS PROFILE 'analyst_profile', readonly = 1;
REVOKE ALL ON *.* FROM analyst;
GRANT SELECT ON ${CLICKHOUSE_DB}.* TO analyst;
REVOKE SELECT ON ${CLICKHOUSE_DB}.audit_log FROM analyst;
REVOKE SELECT ON ${CLICKHOUSE_DB}.audit_log_latest FROM analyst;
SQL
