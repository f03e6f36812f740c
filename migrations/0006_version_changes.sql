CREATE TABLE `version_changes` (
	`version_pk` integer PRIMARY KEY NOT NULL,
	`seq` integer NOT NULL,
	`changed_at` text NOT NULL,
	FOREIGN KEY (`version_pk`) REFERENCES `dataset_versions`(`pk`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `datasets` ADD `modified_at` text;--> statement-breakpoint
CREATE INDEX `datasets_modified_idx` ON `datasets` (`modified_at`,`id`);--> statement-breakpoint
-- Every published version starts at change 1, dated by its publication; every record at its latest publication or withdrawal.
INSERT INTO version_changes (version_pk, seq, changed_at) SELECT pk, 1, published_at FROM dataset_versions WHERE state = 'published' AND published_at IS NOT NULL;
--> statement-breakpoint
UPDATE datasets SET modified_at = (
  SELECT max(t) FROM (
    SELECT published_at AS t FROM dataset_versions WHERE dataset_id = datasets.id AND state = 'published'
    UNION ALL SELECT withdrawn_at FROM dois WHERE dataset_id = datasets.id));
--> statement-breakpoint
-- A change to a version dates its record: the harvest datestamp (OAI-PMH from/until, /catalog?modified_since, sitemap lastmod).
CREATE TRIGGER version_changes_date_record_ins AFTER INSERT ON version_changes BEGIN
  UPDATE datasets SET modified_at = max(coalesce(modified_at, ''), NEW.changed_at) WHERE id = (SELECT dataset_id FROM dataset_versions WHERE pk = NEW.version_pk);
END;
--> statement-breakpoint
CREATE TRIGGER version_changes_date_record_upd AFTER UPDATE ON version_changes BEGIN
  UPDATE datasets SET modified_at = max(coalesce(modified_at, ''), NEW.changed_at) WHERE id = (SELECT dataset_id FROM dataset_versions WHERE pk = NEW.version_pk);
END;
--> statement-breakpoint
-- A new published version changes every version's representations (the version list, the concept's latest).
CREATE TRIGGER dataset_versions_touch_published_ins AFTER INSERT ON dataset_versions WHEN NEW.state = 'published' BEGIN
  INSERT INTO version_changes (version_pk, seq, changed_at)
    SELECT pk, 1, NEW.published_at FROM (SELECT pk FROM dataset_versions WHERE dataset_id = NEW.dataset_id AND state = 'published') WHERE pk IS NOT NULL
    ON CONFLICT (version_pk) DO UPDATE SET seq = seq + 1, changed_at = max(changed_at, excluded.changed_at);
END;
--> statement-breakpoint
CREATE TRIGGER dataset_versions_touch_published_upd AFTER UPDATE OF state ON dataset_versions WHEN NEW.state = 'published' AND OLD.state <> 'published' BEGIN
  INSERT INTO version_changes (version_pk, seq, changed_at)
    SELECT pk, 1, NEW.published_at FROM (SELECT pk FROM dataset_versions WHERE dataset_id = NEW.dataset_id AND state = 'published') WHERE pk IS NOT NULL
    ON CONFLICT (version_pk) DO UPDATE SET seq = seq + 1, changed_at = max(changed_at, excluded.changed_at);
END;
--> statement-breakpoint
-- A derivation edge changes both ends: the output's upstream and generating step, the input's downstream (HTML, JSON-LD, DataCite relations).
CREATE TRIGGER activity_inputs_touch AFTER INSERT ON activity_inputs BEGIN
  INSERT INTO version_changes (version_pk, seq, changed_at)
    SELECT pk, 1, (SELECT created_at FROM activities WHERE id = NEW.activity_id) FROM (SELECT NEW.version_pk AS pk UNION SELECT version_pk FROM activity_outputs WHERE activity_id = NEW.activity_id) WHERE pk IS NOT NULL
    ON CONFLICT (version_pk) DO UPDATE SET seq = seq + 1, changed_at = max(changed_at, excluded.changed_at);
END;
--> statement-breakpoint
CREATE TRIGGER activity_outputs_touch AFTER INSERT ON activity_outputs BEGIN
  INSERT INTO version_changes (version_pk, seq, changed_at)
    SELECT pk, 1, (SELECT created_at FROM activities WHERE id = NEW.activity_id) FROM (SELECT NEW.version_pk AS pk UNION SELECT version_pk FROM activity_inputs WHERE activity_id = NEW.activity_id) WHERE pk IS NOT NULL
    ON CONFLICT (version_pk) DO UPDATE SET seq = seq + 1, changed_at = max(changed_at, excluded.changed_at);
END;
--> statement-breakpoint
-- A measurement and its gate results change the gate status and the DQV quality measurements.
CREATE TRIGGER measurements_touch AFTER INSERT ON measurements BEGIN
  INSERT INTO version_changes (version_pk, seq, changed_at)
    SELECT pk, 1, NEW.created_at FROM (SELECT NEW.version_pk AS pk) WHERE pk IS NOT NULL
    ON CONFLICT (version_pk) DO UPDATE SET seq = seq + 1, changed_at = max(changed_at, excluded.changed_at);
END;
--> statement-breakpoint
CREATE TRIGGER gate_results_touch AFTER INSERT ON gate_results BEGIN
  INSERT INTO version_changes (version_pk, seq, changed_at)
    SELECT pk, 1, coalesce((SELECT created_at FROM measurements WHERE id = NEW.measurement_id), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) FROM (SELECT NEW.version_pk AS pk) WHERE pk IS NOT NULL
    ON CONFLICT (version_pk) DO UPDATE SET seq = seq + 1, changed_at = max(changed_at, excluded.changed_at);
END;
--> statement-breakpoint
-- A DOI change (mint, state, withdrawal, registration status) changes its version, the lineage neighbours whose
-- DataCite relations cite it, and for a concept DOI every version of the dataset; dated by the DOI's own update time,
-- so a withdrawal dates the deleted OAI header and a delivery acknowledgement moves no datestamp.
CREATE TRIGGER dois_touch_ins AFTER INSERT ON dois BEGIN
  INSERT INTO version_changes (version_pk, seq, changed_at)
    SELECT pk, 1, NEW.updated_at FROM (SELECT NEW.version_pk AS pk UNION SELECT o.version_pk FROM activity_inputs i JOIN activity_outputs o ON o.activity_id = i.activity_id WHERE i.version_pk = NEW.version_pk UNION SELECT i.version_pk FROM activity_outputs o JOIN activity_inputs i ON i.activity_id = o.activity_id WHERE o.version_pk = NEW.version_pk UNION SELECT pk FROM dataset_versions WHERE NEW.is_concept = 1 AND dataset_id = NEW.dataset_id AND state = 'published') WHERE pk IS NOT NULL
    ON CONFLICT (version_pk) DO UPDATE SET seq = seq + 1, changed_at = max(changed_at, excluded.changed_at);
END;
--> statement-breakpoint
CREATE TRIGGER dois_touch_upd AFTER UPDATE ON dois BEGIN
  INSERT INTO version_changes (version_pk, seq, changed_at)
    SELECT pk, 1, NEW.updated_at FROM (SELECT NEW.version_pk AS pk UNION SELECT o.version_pk FROM activity_inputs i JOIN activity_outputs o ON o.activity_id = i.activity_id WHERE i.version_pk = NEW.version_pk UNION SELECT i.version_pk FROM activity_outputs o JOIN activity_inputs i ON i.activity_id = o.activity_id WHERE o.version_pk = NEW.version_pk UNION SELECT pk FROM dataset_versions WHERE NEW.is_concept = 1 AND dataset_id = NEW.dataset_id AND state = 'published' UNION SELECT OLD.version_pk AS pk UNION SELECT o.version_pk FROM activity_inputs i JOIN activity_outputs o ON o.activity_id = i.activity_id WHERE i.version_pk = OLD.version_pk UNION SELECT i.version_pk FROM activity_outputs o JOIN activity_inputs i ON i.activity_id = o.activity_id WHERE o.version_pk = OLD.version_pk UNION SELECT pk FROM dataset_versions WHERE OLD.is_concept = 1 AND dataset_id = OLD.dataset_id AND state = 'published') WHERE pk IS NOT NULL
    ON CONFLICT (version_pk) DO UPDATE SET seq = seq + 1, changed_at = max(changed_at, excluded.changed_at);
END;
--> statement-breakpoint
CREATE TRIGGER dois_touch_del AFTER DELETE ON dois BEGIN
  INSERT INTO version_changes (version_pk, seq, changed_at)
    SELECT pk, 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM (SELECT OLD.version_pk AS pk UNION SELECT o.version_pk FROM activity_inputs i JOIN activity_outputs o ON o.activity_id = i.activity_id WHERE i.version_pk = OLD.version_pk UNION SELECT i.version_pk FROM activity_outputs o JOIN activity_inputs i ON i.activity_id = o.activity_id WHERE o.version_pk = OLD.version_pk UNION SELECT pk FROM dataset_versions WHERE OLD.is_concept = 1 AND dataset_id = OLD.dataset_id AND state = 'published') WHERE pk IS NOT NULL
    ON CONFLICT (version_pk) DO UPDATE SET seq = seq + 1, changed_at = max(changed_at, excluded.changed_at);
END;
