#!/bin/bash
# Run once by the ClickHouse image on first start (docker-entrypoint-initdb.d): a read-only user for analysts.
set -euo pipefail
clickhouse client --user "$CLICKHOUSE_USER" --password "$CLICKHOUSE_PASSWORD" --multiquery <<SQL
CREATE USER IF NOT EXISTS analyst IDENTIFIED WITH sha256_password BY '${ANALYST_PASSWORD}' SETTINGS readonly = 1;
GRANT SELECT ON ${CLICKHOUSE_DB}.* TO analyst;
SQL
