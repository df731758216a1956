#!/bin/sh
# Runs once, when the postgres volume is first initialised (docker-entrypoint-initdb.d).
# One role per connector, least privilege:
#   helpdesk    owns the `helpdesk` schema (the helpdesk connector's ticket store);
#   mcp_reader  may only read it (the database connector's `helpdesk` source, read-only);
#   hub_state   owns the `hub_state` schema: the hub replicas' pins, approvals and audit chain.
# Passwords come from the environment (deploy/.env.example), never from this file.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v helpdesk_pass="$HELPDESK_DB_PASSWORD" -v reader_pass="$DATABASE_READER_PASSWORD" -v hub_pass="$HUB_DB_PASSWORD" <<'SQL'
CREATE ROLE helpdesk LOGIN PASSWORD :'helpdesk_pass';
CREATE SCHEMA helpdesk AUTHORIZATION helpdesk;
CREATE ROLE mcp_reader LOGIN PASSWORD :'reader_pass';
GRANT USAGE ON SCHEMA helpdesk TO mcp_reader;
ALTER DEFAULT PRIVILEGES FOR ROLE helpdesk IN SCHEMA helpdesk GRANT SELECT ON TABLES TO mcp_reader;
CREATE ROLE hub_state LOGIN PASSWORD :'hub_pass';
CREATE SCHEMA hub_state AUTHORIZATION hub_state;
ALTER ROLE hub_state SET search_path = hub_state;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
