-- PostgreSQL only (SQLite has no NOTIFY, and one file has one process that writes and reads): when the provenance
-- generation moves, every replica LISTENing on femto_provenance is told at commit, and brings its lineage snapshot up
-- to date before its next read asks (src/modules/lineage/lineage.service.ts follow). The payload is the generation.
CREATE FUNCTION femto_provenance_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('femto_provenance', NEW.generation::text);
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER provenance_generation_notify AFTER INSERT OR UPDATE ON provenance_generation
  FOR EACH ROW EXECUTE FUNCTION femto_provenance_notify();
