export const name = '0023_ledgers_append_only';

/**
 * The audit log refuses UPDATE and DELETE like every ledger already does, and no ledger can be emptied with
 * TRUNCATE (which row triggers do not see): a statement trigger on each table that has an append-only trigger,
 * and on the audit log. Switching a trigger off takes the table owner, which the application's role need not be.
 */
export const sql = `
CREATE FUNCTION refuse_ledger_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: entries are never changed or removed', TG_TABLE_NAME USING ERRCODE = 'raise_exception';
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_ledger_change();
DO $$
DECLARE t text;
BEGIN
  FOR t IN SELECT DISTINCT event_object_table::text FROM information_schema.triggers WHERE trigger_name LIKE '%\\_append\\_only' LOOP
    EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION refuse_ledger_change()', t || '_no_truncate', t);
  END LOOP;
END $$;
`;
