-- Spendin's database roles, run once by a superuser on a new server (compose runs it through
-- init-roles.sh on the first start of its PostgreSQL volume). psql variables:
--   owner_password, app_password
-- spendin_owner owns the database and its schema and runs the migrations
-- (`npm run cli -- migrate --grant-to spendin_app`); spendin_app is what the API, the worker and
-- the CLI's bootstrap connect as: no superuser, no owner, so it cannot switch the audit log's
-- triggers off, change the schema, or record a migration.
CREATE ROLE spendin_owner LOGIN PASSWORD :'owner_password' NOSUPERUSER NOCREATEDB NOCREATEROLE;
CREATE ROLE spendin_app LOGIN PASSWORD :'app_password' NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
CREATE DATABASE spendin OWNER spendin_owner;
\connect spendin
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER SCHEMA public OWNER TO spendin_owner;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
