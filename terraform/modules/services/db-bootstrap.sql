-- Run by the db-bootstrap init container of every service task, as the master user, before
-- the service starts (ecs.tf). Idempotent: every task start runs it again.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${app_user}') THEN
    CREATE ROLE ${app_user} LOGIN;
  END IF;
END
$$;
-- IAM database authentication: the service logs in with a token, never a password.
GRANT rds_iam TO ${app_user};
GRANT CONNECT, TEMPORARY ON DATABASE ${database} TO ${app_user};
GRANT USAGE, CREATE ON SCHEMA public TO ${app_user};
-- The master user may hand objects over (ALTER ... OWNER needs membership in the new owner).
GRANT ${app_user} TO CURRENT_USER;
-- Objects that earlier deployments created as the master user move to the application role,
-- so its migrations may alter them (sequences of serial/identity columns follow their table).
DO $$
DECLARE
  r record;
BEGIN
  FOR r IN
    SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm') AND c.relowner = (SELECT oid FROM pg_roles WHERE rolname = CURRENT_USER)
  LOOP
    EXECUTE format('ALTER %s public.%I OWNER TO ${app_user}',
      CASE r.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END, r.relname);
  END LOOP;
END
$$;
