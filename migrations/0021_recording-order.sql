-- Recording order becomes a real key, seq (PostgreSQL has no rowid to order by): each row numbered as its rowid
-- numbered it, the text id kept unique. Each table is rebuilt. The migrator runs in one transaction, where
-- PRAGMA foreign_keys cannot be switched off, so dropping measurements would delete its gate results (ON DELETE
-- CASCADE): they are set aside and put back, their trigger off meanwhile (nothing changed). The tables' triggers go
-- with them and are created again as they were (0006_version_changes, 0015_models).
DROP TRIGGER gate_results_touch;--> statement-breakpoint
CREATE TEMP TABLE gate_results_kept AS SELECT seq, measurement_id, version_pk, gate, verdict, value, margin, reason FROM gate_results;--> statement-breakpoint
DELETE FROM gate_results;--> statement-breakpoint
CREATE TABLE `__new_measurements` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`version_pk` integer NOT NULL,
	`activity_id` text NOT NULL,
	`observable` text NOT NULL,
	`value` text NOT NULL,
	`unit` text,
	`normalized_value` text NOT NULL,
	`normalized_unit` text,
	`uncertainty` real,
	`method` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`created_by` text NOT NULL,
	FOREIGN KEY (`version_pk`) REFERENCES `dataset_versions`(`pk`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`activity_id`) REFERENCES `activities`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_measurements`("seq", "id", "version_pk", "activity_id", "observable", "value", "unit", "normalized_value", "normalized_unit", "uncertainty", "method", "created_at", "created_by") SELECT rowid, "id", "version_pk", "activity_id", "observable", "value", "unit", "normalized_value", "normalized_unit", "uncertainty", "method", "created_at", "created_by" FROM `measurements` ORDER BY rowid;--> statement-breakpoint
DROP TABLE `measurements`;--> statement-breakpoint
ALTER TABLE `__new_measurements` RENAME TO `measurements`;--> statement-breakpoint
CREATE UNIQUE INDEX `measurements_id_uq` ON `measurements` (`id`);--> statement-breakpoint
CREATE INDEX `measurements_version_idx` ON `measurements` (`version_pk`,`observable`);--> statement-breakpoint
INSERT INTO gate_results (seq, measurement_id, version_pk, gate, verdict, value, margin, reason)
  SELECT seq, measurement_id, version_pk, gate, verdict, value, margin, reason FROM gate_results_kept ORDER BY seq;--> statement-breakpoint
DROP TABLE gate_results_kept;--> statement-breakpoint
CREATE TRIGGER measurements_touch AFTER INSERT ON measurements BEGIN
  INSERT INTO version_changes (version_pk, seq, changed_at)
    SELECT pk, 1, NEW.created_at FROM (SELECT NEW.version_pk AS pk) WHERE pk IS NOT NULL
    ON CONFLICT (version_pk) DO UPDATE SET seq = seq + 1, changed_at = max(changed_at, excluded.changed_at);
END;
--> statement-breakpoint
CREATE TRIGGER gate_results_touch AFTER INSERT ON gate_results BEGIN
  INSERT INTO version_changes (version_pk, seq, changed_at)
    SELECT x.pk, 1, coalesce((SELECT created_at FROM measurements WHERE id = NEW.measurement_id), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) FROM (SELECT NEW.version_pk AS pk UNION SELECT o.version_pk FROM activity_inputs i JOIN activity_outputs o ON o.activity_id = i.activity_id WHERE i.version_pk = NEW.version_pk UNION SELECT i.version_pk FROM activity_outputs o JOIN activity_inputs i ON i.activity_id = o.activity_id WHERE o.version_pk = NEW.version_pk) x
      JOIN dataset_versions v ON v.pk = x.pk WHERE v.visibility = 'public' AND (SELECT visibility FROM dataset_versions WHERE pk = NEW.version_pk) = 'public'
    ON CONFLICT (version_pk) DO UPDATE SET seq = seq + 1, changed_at = max(changed_at, excluded.changed_at);
END;
--> statement-breakpoint
CREATE TABLE `__new_evaluations` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`activity_id` text NOT NULL,
	`model_version_pk` integer NOT NULL,
	`benchmark_version_pk` integer,
	`split` text,
	`metric` text,
	`metric_label` text,
	`higher_is_better` integer,
	`value` real,
	`uncertainty` real,
	`baseline_version_pk` integer,
	`baseline_algorithm` text,
	`baseline_value` real,
	`baseline_uncertainty` real,
	`baseline_evaluation_id` text,
	`statement` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`created_by` text NOT NULL,
	FOREIGN KEY (`activity_id`) REFERENCES `activities`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`model_version_pk`) REFERENCES `dataset_versions`(`pk`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`benchmark_version_pk`) REFERENCES `dataset_versions`(`pk`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`baseline_version_pk`) REFERENCES `dataset_versions`(`pk`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_evaluations`("seq", "id", "activity_id", "model_version_pk", "benchmark_version_pk", "split", "metric", "metric_label", "higher_is_better", "value", "uncertainty", "baseline_version_pk", "baseline_algorithm", "baseline_value", "baseline_uncertainty", "baseline_evaluation_id", "statement", "created_at", "created_by") SELECT rowid, "id", "activity_id", "model_version_pk", "benchmark_version_pk", "split", "metric", "metric_label", "higher_is_better", "value", "uncertainty", "baseline_version_pk", "baseline_algorithm", "baseline_value", "baseline_uncertainty", "baseline_evaluation_id", "statement", "created_at", "created_by" FROM `evaluations` ORDER BY rowid;--> statement-breakpoint
DROP TABLE `evaluations`;--> statement-breakpoint
ALTER TABLE `__new_evaluations` RENAME TO `evaluations`;--> statement-breakpoint
CREATE UNIQUE INDEX `evaluations_id_uq` ON `evaluations` (`id`);--> statement-breakpoint
CREATE INDEX `evaluations_model_idx` ON `evaluations` (`model_version_pk`);--> statement-breakpoint
CREATE INDEX `evaluations_benchmark_idx` ON `evaluations` (`benchmark_version_pk`,`metric`);--> statement-breakpoint
CREATE TRIGGER evaluations_touch AFTER INSERT ON evaluations BEGIN
  INSERT INTO version_changes (version_pk, seq, changed_at)
    SELECT x.pk, 1, NEW.created_at FROM (SELECT NEW.model_version_pk AS pk UNION SELECT NEW.benchmark_version_pk UNION SELECT NEW.baseline_version_pk UNION SELECT o.version_pk FROM activity_inputs i JOIN activity_outputs o ON o.activity_id = i.activity_id WHERE i.version_pk = NEW.model_version_pk UNION SELECT i.version_pk FROM activity_outputs o JOIN activity_inputs i ON i.activity_id = o.activity_id WHERE o.version_pk = NEW.model_version_pk) x
      JOIN dataset_versions v ON v.pk = x.pk WHERE v.visibility = 'public' AND (SELECT visibility FROM dataset_versions WHERE pk = NEW.model_version_pk) = 'public'
    ON CONFLICT (version_pk) DO UPDATE SET seq = seq + 1, changed_at = max(changed_at, excluded.changed_at);
END;
