-- The rows and triggers the SQLite migrations write by hand (0006 version_changes, 0007 catalog_changes, 0011 access,
-- 0015 models, 0016 hepdata tables, 0017 physics blocks, 0018 replica sites), as they stand after the last of them:
-- every change to what a format says of a published version bumps its version_changes row in the transaction of the
-- change, which dates its record (datasets.modified_at) and bumps the catalog counter. Timestamps are ISO-8601 text
-- compared in byte order (COLLATE "C"), as SQLite compares them.
INSERT INTO users (id, name) VALUES ('admin', 'Administrator'), ('default', 'Default user'), ('catalog', 'Bundled catalog');
--> statement-breakpoint
INSERT INTO catalog_changes (id, seq) VALUES (1, 1);
--> statement-breakpoint
CREATE FUNCTION femto_now() RETURNS text LANGUAGE sql STABLE AS $$
  SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
$$;
--> statement-breakpoint
-- One change, dated `at`, to each of the versions `pks` (nulls and repeats ignored).
CREATE FUNCTION femto_touch(pks bigint[], at text) RETURNS void LANGUAGE sql AS $$
  INSERT INTO version_changes (version_pk, seq, changed_at)
    SELECT DISTINCT pk, 1, at FROM unnest(pks) AS u(pk) WHERE pk IS NOT NULL
    ON CONFLICT (version_pk) DO UPDATE SET seq = version_changes.seq + 1, changed_at = greatest(version_changes.changed_at COLLATE "C", excluded.changed_at)
$$;
--> statement-breakpoint
-- A version and its one-step lineage neighbours (whose DataCite relations and lineage summaries cite it).
CREATE FUNCTION femto_lineage_neighbours(version bigint) RETURNS bigint[] LANGUAGE sql STABLE AS $$
  SELECT ARRAY(SELECT version UNION SELECT o.version_pk FROM activity_inputs i JOIN activity_outputs o ON o.activity_id = i.activity_id WHERE i.version_pk = version
               UNION SELECT i.version_pk FROM activity_outputs o JOIN activity_inputs i ON i.activity_id = o.activity_id WHERE o.version_pk = version)
$$;
--> statement-breakpoint
CREATE FUNCTION femto_public(pks bigint[]) RETURNS bigint[] LANGUAGE sql STABLE AS $$
  SELECT ARRAY(SELECT pk FROM dataset_versions WHERE pk = ANY(pks) AND visibility = 'public')
$$;
--> statement-breakpoint
-- A change to a version dates its record: the harvest datestamp (OAI-PMH from/until, /catalog?modified_since, sitemap lastmod).
CREATE FUNCTION femto_version_changes_date_record() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE datasets SET modified_at = greatest(modified_at COLLATE "C", NEW.changed_at)
   WHERE id = (SELECT dataset_id FROM dataset_versions WHERE pk = NEW.version_pk);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER version_changes_date_record_ins AFTER INSERT ON version_changes FOR EACH ROW EXECUTE FUNCTION femto_version_changes_date_record();
--> statement-breakpoint
CREATE TRIGGER version_changes_date_record_upd AFTER UPDATE ON version_changes FOR EACH ROW EXECUTE FUNCTION femto_version_changes_date_record();
--> statement-breakpoint
-- Any change to any version changes some answer over the catalog (search results, facets).
CREATE FUNCTION femto_version_changes_bump_catalog() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE catalog_changes SET seq = seq + 1 WHERE id = 1;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER version_changes_bump_catalog_ins AFTER INSERT ON version_changes FOR EACH ROW EXECUTE FUNCTION femto_version_changes_bump_catalog();
--> statement-breakpoint
CREATE TRIGGER version_changes_bump_catalog_upd AFTER UPDATE ON version_changes FOR EACH ROW EXECUTE FUNCTION femto_version_changes_bump_catalog();
--> statement-breakpoint
-- A new published version changes every version's representations (the version list, the concept's latest).
CREATE FUNCTION femto_dataset_versions_touch_published() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM femto_touch(ARRAY(SELECT pk FROM dataset_versions WHERE dataset_id = NEW.dataset_id AND state = 'published'), NEW.published_at);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER dataset_versions_touch_published_ins AFTER INSERT ON dataset_versions FOR EACH ROW WHEN (NEW.state = 'published') EXECUTE FUNCTION femto_dataset_versions_touch_published();
--> statement-breakpoint
CREATE TRIGGER dataset_versions_touch_published_upd AFTER UPDATE OF state ON dataset_versions FOR EACH ROW WHEN (NEW.state = 'published' AND OLD.state <> 'published') EXECUTE FUNCTION femto_dataset_versions_touch_published();
--> statement-breakpoint
-- A derivation edge changes the version at its end and those at the step's other end (public ones only): the output's
-- upstream and generating step, the input's downstream.
CREATE FUNCTION femto_activity_edge_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM femto_touch(femto_public(ARRAY[NEW.version_pk] || CASE TG_TABLE_NAME
             WHEN 'activity_inputs' THEN ARRAY(SELECT version_pk FROM activity_outputs WHERE activity_id = NEW.activity_id)
             ELSE ARRAY(SELECT version_pk FROM activity_inputs WHERE activity_id = NEW.activity_id) END),
           (SELECT created_at FROM activities WHERE id = NEW.activity_id));
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER activity_inputs_touch AFTER INSERT ON activity_inputs FOR EACH ROW EXECUTE FUNCTION femto_activity_edge_touch();
--> statement-breakpoint
CREATE TRIGGER activity_outputs_touch AFTER INSERT ON activity_outputs FOR EACH ROW EXECUTE FUNCTION femto_activity_edge_touch();
--> statement-breakpoint
-- A measurement and its gate results change the gate status and the DQV quality measurements (and, for gate results,
-- the lineage neighbours that show it).
CREATE FUNCTION femto_measurements_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM femto_touch(ARRAY[NEW.version_pk], NEW.created_at);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER measurements_touch AFTER INSERT ON measurements FOR EACH ROW EXECUTE FUNCTION femto_measurements_touch();
--> statement-breakpoint
CREATE FUNCTION femto_gate_results_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT visibility FROM dataset_versions WHERE pk = NEW.version_pk) = 'public' THEN
    PERFORM femto_touch(femto_public(femto_lineage_neighbours(NEW.version_pk)),
                        coalesce((SELECT created_at FROM measurements WHERE id = NEW.measurement_id), femto_now()));
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER gate_results_touch AFTER INSERT ON gate_results FOR EACH ROW EXECUTE FUNCTION femto_gate_results_touch();
--> statement-breakpoint
-- A findable DOI's change (mint, state, withdrawal, registration status) changes its version, the lineage neighbours
-- whose DataCite relations cite it, and for a concept DOI every published version of the dataset; dated by the DOI's
-- own update time (a deletion: now).
CREATE FUNCTION femto_doi_versions(d dois) RETURNS bigint[] LANGUAGE sql STABLE AS $$
  SELECT femto_lineage_neighbours(d.version_pk)
      || ARRAY(SELECT pk FROM dataset_versions WHERE d.is_concept AND dataset_id = d.dataset_id AND state = 'published')
$$;
--> statement-breakpoint
CREATE FUNCTION femto_dois_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM femto_touch(femto_public(femto_doi_versions(NEW)), NEW.updated_at);
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM femto_touch(femto_public(femto_doi_versions(NEW) || femto_doi_versions(OLD)), NEW.updated_at);
  ELSE
    PERFORM femto_touch(femto_public(femto_doi_versions(OLD)), femto_now());
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER dois_touch_ins AFTER INSERT ON dois FOR EACH ROW WHEN (NEW.state = 'findable') EXECUTE FUNCTION femto_dois_touch();
--> statement-breakpoint
CREATE TRIGGER dois_touch_upd AFTER UPDATE ON dois FOR EACH ROW WHEN (NEW.state = 'findable' OR OLD.state = 'findable') EXECUTE FUNCTION femto_dois_touch();
--> statement-breakpoint
CREATE TRIGGER dois_touch_del AFTER DELETE ON dois FOR EACH ROW WHEN (OLD.state = 'findable') EXECUTE FUNCTION femto_dois_touch();
--> statement-breakpoint
-- An evaluation changes the model's card and leaderboards, the benchmark's and baseline's, and the model's lineage
-- neighbours; nothing while the model is private.
CREATE FUNCTION femto_evaluations_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT visibility FROM dataset_versions WHERE pk = NEW.model_version_pk) = 'public' THEN
    PERFORM femto_touch(femto_public(femto_lineage_neighbours(NEW.model_version_pk) || ARRAY[NEW.benchmark_version_pk, NEW.baseline_version_pk]), NEW.created_at);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER evaluations_touch AFTER INSERT ON evaluations FOR EACH ROW EXECUTE FUNCTION femto_evaluations_touch();
--> statement-breakpoint
CREATE FUNCTION femto_hepdata_tables_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM femto_touch(ARRAY[NEW.version_pk], coalesce(v.published_at, femto_now()))
     FROM dataset_versions v WHERE v.pk = NEW.version_pk AND v.state = 'published' AND v.visibility = 'public';
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER hepdata_tables_touch AFTER INSERT ON hepdata_tables FOR EACH ROW EXECUTE FUNCTION femto_hepdata_tables_touch();
--> statement-breakpoint
-- A configuration shows on every published version of its ensemble (by Markov chain URI).
CREATE FUNCTION femto_lattice_configurations_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM femto_touch(ARRAY(SELECT e.version_pk FROM version_ensembles e JOIN dataset_versions v ON v.pk = e.version_pk AND v.state = 'published'
                             WHERE e.markov_chain_uri = NEW.markov_chain_uri OR (TG_OP = 'UPDATE' AND e.markov_chain_uri = OLD.markov_chain_uri)),
                      CASE TG_OP WHEN 'INSERT' THEN NEW.created_at ELSE femto_now() END);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER lattice_configurations_touch_ins AFTER INSERT ON lattice_configurations FOR EACH ROW EXECUTE FUNCTION femto_lattice_configurations_touch();
--> statement-breakpoint
CREATE TRIGGER lattice_configurations_touch_upd AFTER UPDATE ON lattice_configurations FOR EACH ROW EXECUTE FUNCTION femto_lattice_configurations_touch();
--> statement-breakpoint
-- A replica added to or removed from a published version changes it (added: dated by added_at; written with the
-- version, added_at is null and the version's own publication counts).
CREATE FUNCTION femto_distribution_locations_touch() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  distribution bigint := CASE TG_OP WHEN 'DELETE' THEN OLD.distribution_pk ELSE NEW.distribution_pk END;
BEGIN
  PERFORM femto_touch(ARRAY(SELECT x.version_pk FROM distributions x JOIN dataset_versions v ON v.pk = x.version_pk WHERE x.pk = distribution AND v.state = 'published'),
                      CASE TG_OP WHEN 'DELETE' THEN femto_now() ELSE NEW.added_at END);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER distribution_locations_touch_ins AFTER INSERT ON distribution_locations FOR EACH ROW WHEN (NEW.added_at IS NOT NULL) EXECUTE FUNCTION femto_distribution_locations_touch();
--> statement-breakpoint
CREATE TRIGGER distribution_locations_touch_del AFTER DELETE ON distribution_locations FOR EACH ROW EXECUTE FUNCTION femto_distribution_locations_touch();
