#!/bin/sh
# Runs once, when the postgres volume is first initialised (docker-entrypoint-initdb.d).
# One role per connector, least privilege:
#   helpdesk    owns the `helpdesk` schema (the helpdesk connector's ticket store);
#   mcp_reader  may only read it (the database connector's `helpdesk` source, read-only).
# Passwords come from the environment (deploy/.env.example), never from this file.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v helpdesk_pass="$HELPDESK_DB_PASSWORD" -v reader_pass="$DATABASE_READER_PASSWORD" <<'SQL'
CREATE ROLE helpdesk LOGIN PASSWORD :'helpdesk_pass';
CREATE SCHEMA helpdesk AUTHORIZATION helpdesk;
CREATE ROLE mcp_reader LOGIN PASSWORD :'reader_pass';
GRANT USAGE ON SCHEMA helpdesk TO mcp_reader;
ALTER DEFAULT PRIVILEGES FOR ROLE helpdesk IN SCHEMA helpdesk GRANT SELECT ON TABLES TO mcp_reader;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
