#!/bin/sh
# Run once by the postgres image on an empty data directory (mounted in /docker-entrypoint-initdb.d), as
# POSTGRES_USER, the cluster's superuser. femto connects as a role of its own that owns its database and nothing
# else: not a superuser, so a flaw in femto cannot reach other databases, other roles or the server's files. As the
# database's owner it applies femto's migrations (unaccent is a trusted extension: an owner may create it).
set -eu
# The password is read from the environment inside psql (\getenv, psql 15+), never put on a command line others can list.
export FEMTO_DB_PASSWORD
psql -v ON_ERROR_STOP=1 -v role="${FEMTO_DB_USER:-femto_app}" -v db="$POSTGRES_DB" --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<'SQL'
\getenv password FEMTO_DB_PASSWORD
CREATE ROLE :"role" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'password';
ALTER DATABASE :"db" OWNER TO :"role";
ALTER SCHEMA public OWNER TO :"role";
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
SQL
