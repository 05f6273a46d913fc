-- PostgreSQL for the free-area office: one database, one schema, two roles, nothing more.
--
--   sudo -u postgres psql -f deploy/office/postgres-setup.sql
--   sudo -u postgres psql -c '\password fa_office'      (and fa_report, if it logs in with one)
--
-- Names can be changed with psql variables (defaults in brackets):
--   -v dbname=…       the database [fa]
--   -v schema=…       the schema the office's tables live in (store.schema) [fa_office]
--   -v office_role=…  the office service: owns the schema, runs the migrations [fa_office]
--   -v report_role=…  read-only: auditors, reports, backups with pg_dump [fa_report]
--
-- Safe to run again: what exists is kept, privileges are set again. No role gets SUPERUSER,
-- CREATEDB, CREATEROLE, REPLICATION or BYPASSRLS; PUBLIC gets nothing in the database.
-- Passwords are not set here, so they appear in no file and no server log.

\set ON_ERROR_STOP on
SET client_min_messages = warning;
\if :{?dbname}
\else
  \set dbname fa
\endif
\if :{?schema}
\else
  \set schema fa_office
\endif
\if :{?office_role}
\else
  \set office_role fa_office
\endif
\if :{?report_role}
\else
  \set report_role fa_report
\endif

SELECT format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS', :'office_role')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'office_role') \gexec
SELECT format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS', :'report_role')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'report_role') \gexec

-- UTF-8 from template0: resident names and addresses are Japanese.
SELECT format('CREATE DATABASE %I TEMPLATE template0 ENCODING %L', :'dbname', 'UTF8')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'dbname') \gexec

-- Only the two roles may connect. The office may also create schemas in this database (and
-- only here): its store runs CREATE SCHEMA IF NOT EXISTS at start, which needs it.
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'dbname') \gexec
SELECT format('GRANT CONNECT, CREATE, TEMPORARY ON DATABASE %I TO %I', :'dbname', :'office_role') \gexec
SELECT format('GRANT CONNECT ON DATABASE %I TO %I', :'dbname', :'report_role') \gexec

\connect :dbname

-- Nobody creates anything in public; the office's tables go in their own schema.
REVOKE ALL ON SCHEMA public FROM PUBLIC;
SELECT format('CREATE SCHEMA IF NOT EXISTS %I AUTHORIZATION %I', :'schema', :'office_role') \gexec
SELECT format('ALTER SCHEMA %I OWNER TO %I', :'schema', :'office_role') \gexec
SELECT format('REVOKE ALL ON SCHEMA %I FROM PUBLIC', :'schema') \gexec
SELECT format('ALTER ROLE %I IN DATABASE %I SET search_path = %I', :'office_role', :'dbname', :'schema') \gexec
SELECT format('ALTER ROLE %I IN DATABASE %I SET search_path = %I', :'report_role', :'dbname', :'schema') \gexec

-- The report role reads what exists and whatever the office creates later (migrations).
SELECT format('GRANT USAGE ON SCHEMA %I TO %I', :'schema', :'report_role') \gexec
SELECT format('GRANT SELECT ON ALL TABLES IN SCHEMA %I TO %I', :'schema', :'report_role') \gexec
SELECT format('GRANT SELECT ON ALL SEQUENCES IN SCHEMA %I TO %I', :'schema', :'report_role') \gexec
SELECT format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I GRANT SELECT ON TABLES TO %I', :'office_role', :'schema', :'report_role') \gexec
SELECT format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I GRANT SELECT ON SEQUENCES TO %I', :'office_role', :'schema', :'report_role') \gexec
