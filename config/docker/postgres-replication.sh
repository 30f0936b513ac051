#!/usr/bin/env bash
# Run by the postgres image once, when it first creates its data volume
# (docker-compose.yml mounts it into /docker-entrypoint-initdb.d): a role that may stream
# the WAL to the replica, and a pg_hba.conf line that lets it in from the compose network.
# Without REPLICATION_PASSWORD nothing is done (a county without a replica).
set -euo pipefail
if [ -z "${REPLICATION_PASSWORD:-}" ]; then
  exit 0
fi
psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" \
  -v password="$REPLICATION_PASSWORD" <<'SQL'
CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD :'password';
SQL
echo "host replication replicator all scram-sha-256" >>"$PGDATA/pg_hba.conf"
