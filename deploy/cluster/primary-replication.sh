#!/bin/sh
# primary-replication.sh — run once by the postgres image when it creates the
# primary's data directory (/docker-entrypoint-initdb.d): lets the replica
# stream WAL over the network with the superuser's password (scram-sha-256).
# docs/deployment.md says what production uses instead (Patroni, a
# replication-only login).
set -eu
echo "host replication all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
