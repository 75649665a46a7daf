-- Grants for the app's own database role on a federation office's PostgreSQL server.
-- Run as the OWNER role (the one that created the tables: the first `kongthun` run, or any
-- upgrade to a new version), in the ledger's database, once the writer role exists:
--
--   psql "postgresql://kongthun_owner@HOST/kongthun" -v writer=kongthun_app \
--        -f installer/postgres_roles.sql
--
-- The writer may read and append; it owns nothing, so it cannot ALTER a table, drop or
-- disable the append-only triggers, nor (not being a superuser) set
-- session_replication_role. docs/FEDERATION.md explains the whole set-up.
GRANT USAGE ON SCHEMA public TO :"writer";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"writer";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"writer";
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"writer";
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO :"writer";
