-- `classctl serve` reconciles at once when the host application changes a
-- class series: every INSERT, DELETE, or UPDATE that changes a column sends
-- NOTIFY classctl_series_changed with the branch id as payload.
--
-- NOTIFY is transactional: listeners hear it only after the writing
-- transaction commits, and identical payloads within one transaction are
-- delivered once, so a bulk load of a branch's series wakes the controller once
-- per branch, not once per row.

CREATE FUNCTION class_series_notify_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('classctl_series_changed', OLD.branch_id);
    RETURN OLD;
  END IF;
  PERFORM pg_notify('classctl_series_changed', NEW.branch_id);
  -- A series moved to another branch changes both branches.
  IF TG_OP = 'UPDATE' AND OLD.branch_id IS DISTINCT FROM NEW.branch_id THEN
    PERFORM pg_notify('classctl_series_changed', OLD.branch_id);
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER class_series_notify_insert_delete
  AFTER INSERT OR DELETE ON class_series
  FOR EACH ROW EXECUTE FUNCTION class_series_notify_changed();

-- An UPDATE that changes nothing (re-loading the same file: the version
-- trigger keeps version and updated_at) is not news, so it wakes nobody.
CREATE TRIGGER class_series_notify_update
  AFTER UPDATE ON class_series
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*)
  EXECUTE FUNCTION class_series_notify_changed();
