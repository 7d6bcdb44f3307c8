#!/bin/sh
# Runs once, on the first start of an empty data volume (the postgres image's
# /docker-entrypoint-initdb.d). The passwords come from the compose environment.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v owner_password="$SPENDIN_OWNER_PASSWORD" -v app_password="$SPENDIN_APP_PASSWORD" \
  -f /spendin/roles.sql
