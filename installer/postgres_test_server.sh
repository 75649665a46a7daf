#!/usr/bin/env bash
# A PostgreSQL server for the test suite: a cluster of its own ("kongthun_test", port 54329,
# durability off because its data is thrown away), a role that may create databases, and
# the URL the tests read from KONGTHUN_TEST_DATABASE_URL printed on stdout.
# Installs Debian's postgresql if missing (as root or through sudo). Safe to run again.
set -euo pipefail
PORT=54329
CLUSTER=kongthun_test
ROLE=kongthun_test
if [ "$(id -u)" = 0 ]; then SUDO=; AS_POSTGRES="runuser -u postgres --"; else SUDO=sudo; AS_POSTGRES="sudo -u postgres"; fi
if ! command -v pg_createcluster >/dev/null 2>&1; then
  echo "installing system packages: postgresql" >&2
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >&2
fi
VERSION=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$VERSION $CLUSTER"; then
  $SUDO pg_createcluster "$VERSION" "$CLUSTER" -p "$PORT" \
    -o fsync=off -o synchronous_commit=off -o full_page_writes=off \
    -o max_connections=200 >&2
fi
if ! pg_lsclusters -h | awk -v v="$VERSION" -v c="$CLUSTER" '$1==v && $2==c {print $4}' | grep -q online; then
  $SUDO pg_ctlcluster "$VERSION" "$CLUSTER" start >&2
fi
$AS_POSTGRES psql -q -p "$PORT" -d postgres -v ON_ERROR_STOP=1 >&2 <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE') THEN
    CREATE ROLE $ROLE LOGIN CREATEDB CREATEROLE PASSWORD '$ROLE';
  END IF;
END \$\$;
SQL
echo "postgresql+psycopg://$ROLE:$ROLE@localhost:$PORT/postgres"
