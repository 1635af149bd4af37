#!/bin/sh
# replica.sh — the streaming replica of docker-compose.cluster.yml: on its
# first start, a base backup of the primary (pg_basebackup -R writes
# standby.signal and primary_conninfo, named replica1 so the primary can wait
# for it: synchronous_standby_names); on every start, PostgreSQL as a hot
# standby. Runs as the postgres user of the postgres:15 image.
set -eu
: "${PGDATA:=/var/lib/postgresql/data}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
	until pg_isready -h postgres -p 5432 -q; do sleep 1; done
	# The superuser's password from its secret file, for pg_basebackup and for
	# the standby's own connection (a password file in the data directory).
	printf '*:*:*:postgres:%s\n' "$(cat /run/secrets/postgres_password)" >"$HOME/.pgpass"
	chmod 600 "$HOME/.pgpass"
	pg_basebackup -h postgres -p 5432 -U postgres -D "$PGDATA" -X stream -R -c fast \
		-d "application_name=replica1"
	chmod 700 "$PGDATA"
fi
exec postgres -c hot_standby=on -c hot_standby_feedback=on
