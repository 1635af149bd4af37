#!/bin/sh
# db-roles.sh — the database and the login roles of a deployment: the
# db-roles step of docker-compose.yml, run as the PostgreSQL superuser before
# `erp-server migrate`, on every `docker compose up` (it is idempotent).
# docs/deployment.md says why each role is what it is.
#
# Makes sure that:
#   erp_app, erp_scripts  exist (NOLOGIN): the migrations grant them their
#                         rights, and create them when missing; made here so
#                         the owner needs no CREATEROLE (which, before
#                         PostgreSQL 16, can make itself nearly a superuser)
#   ERP_OWNER_LOGIN       logs in, has no other attribute, owns database
#                         ERP_DB_NAME: `erp-server migrate` connects as it
#   ERP_SERVER_LOGIN      logs in, has no other attribute, is a member of
#                         erp_app: `erp-server serve` connects as it
# and refuses (exit 1, saying why) a server login that is the owner, or a
# member of the owner, of erp_scripts or of a superuser, and a database that
# someone else owns; a refused run changes nothing. It never drops or revokes
# anything.
#
# Passwords are files in ERP_SECRETS_DIR (default /run/secrets), never
# arguments: postgres_password holds the superuser's (as the postgres image's
# POSTGRES_PASSWORD_FILE), erp_owner_pgpass and erp_server_pgpass one line
# each in libpq's password-file format, `*:*:*:LOGIN:PASSWORD`, which is what
# migrate and serve read (passfile=). Every run sets the logins' passwords
# from them, so changing a file and running this again rotates one.
# Passwords are 16 or more of A-Z a-z 0-9 . _ ~ - (nothing a password file or
# a connection string would have to escape).
#
# Connects with libpq's PGHOST, PGPORT and PGUSER; runs psql 15 or later
# (\getenv), PSQL when set. POSIX sh: the postgres image's /bin/sh is dash.
set -eu

HERE=$(cd -- "$(dirname -- "$0")" && pwd)
: "${ERP_SECRETS_DIR:=/run/secrets}"
: "${ERP_DB_NAME:=erp}"
: "${ERP_OWNER_LOGIN:=erp_owner}"
: "${ERP_SERVER_LOGIN:=erp_server}"
: "${PSQL:=psql}"

die() {
	echo "db-roles: $*" >&2
	exit 1
}

# Plain lower-case identifiers: never quoted, never a role PostgreSQL or the
# migrations own.
check_name() { # check_name WHAT NAME
	case $2 in
	"" | [!a-z_]* | *[!a-z0-9_]*) die "$1 '$2' is not a lower-case identifier (a-z 0-9 _)" ;;
	pg_* | postgres | public | erp_app | erp_scripts) die "$1 '$2' is a reserved role name" ;;
	esac
	[ ${#2} -le 63 ] || die "$1 '$2' is longer than 63 characters"
}

check_password() { # check_password FILE PASSWORD
	case $2 in
	*[!A-Za-z0-9._~-]*) die "$1: the password may hold only A-Z a-z 0-9 . _ ~ -" ;;
	esac
	[ ${#2} -ge 16 ] || die "$1: the password must be 16 characters or more"
}

read_secret() { # read_secret FILE: its text without trailing newlines
	[ -f "$1" ] && [ -r "$1" ] || die "cannot read $1"
	cat -- "$1"
}

# The password of LOGIN from its password file, which must be exactly
# `*:*:*:LOGIN:PASSWORD` (one line): the file that names the login is the one
# that carries its password.
pgpass_password() { # pgpass_password FILE LOGIN
	line=$(read_secret "$1")
	prefix="*:*:*:$2:"
	case $line in
	*"
"*) die "$1: one line expected, *:*:*:$2:PASSWORD" ;;
	"$prefix"*) ;;
	*) die "$1: expected *:*:*:$2:PASSWORD (libpq's password file format)" ;;
	esac
	password=${line#"$prefix"}
	check_password "$1" "$password"
	printf '%s' "$password"
}

check_name "ERP_DB_NAME" "$ERP_DB_NAME"
check_name "ERP_OWNER_LOGIN" "$ERP_OWNER_LOGIN"
check_name "ERP_SERVER_LOGIN" "$ERP_SERVER_LOGIN"
[ "$ERP_OWNER_LOGIN" != "$ERP_SERVER_LOGIN" ] ||
	die "the server's login must not be the owner ($ERP_OWNER_LOGIN)"

PGPASSWORD=$(read_secret "$ERP_SECRETS_DIR/postgres_password")
[ -n "$PGPASSWORD" ] || die "$ERP_SECRETS_DIR/postgres_password is empty"
ERP_OWNER_PASSWORD=$(pgpass_password "$ERP_SECRETS_DIR/erp_owner_pgpass" "$ERP_OWNER_LOGIN")
ERP_SERVER_PASSWORD=$(pgpass_password "$ERP_SECRETS_DIR/erp_server_pgpass" "$ERP_SERVER_LOGIN")
# In psql's environment only (db-roles.sql reads them with \getenv): never an argument.
export PGPASSWORD ERP_OWNER_PASSWORD ERP_SERVER_PASSWORD ERP_DB_NAME ERP_OWNER_LOGIN ERP_SERVER_LOGIN

"$PSQL" -X -q -v ON_ERROR_STOP=1 -v VERBOSITY=terse -d postgres -f "$HERE/db-roles.sql" ||
	die "stopped at the error above"
echo "db-roles: database $ERP_DB_NAME owned by $ERP_OWNER_LOGIN; $ERP_SERVER_LOGIN is a login of erp_app"
