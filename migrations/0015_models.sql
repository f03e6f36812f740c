CREATE TABLE `evaluations` (
	`id` text PRIMARY KEY NOT NULL,
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
CREATE INDEX `evaluations_model_idx` ON `evaluations` (`model_version_pk`);--> statement-breakpoint
CREATE INDEX `evaluations_benchmark_idx` ON `evaluations` (`benchmark_version_pk`,`metric`);--> statement-breakpoint
ALTER TABLE `dataset_versions` ADD `model_card` text;
--> statement-breakpoint
-- Only public versions move, and only for what a public caller can see (0011_access: what a private version's holders see is
-- never cached nor harvested): an evaluation of a private model, or a gate result of a private version, moves nothing.
-- An evaluation changes its model's gate status and evaluations (JSON, JSON-LD, landing page), the benchmark's and the
-- baseline's pages that list it, and the lineage pictures of the model's neighbours, which colour the model by its status.
CREATE TRIGGER evaluations_touch AFTER INSERT ON evaluations BEGIN
  INSERT INTO version_changes (version_pk, seq, changed_at)
    SELECT x.pk, 1, NEW.created_at FROM (SELECT NEW.model_version_pk AS pk UNION SELECT NEW.benchmark_version_pk UNION SELECT NEW.baseline_version_pk UNION SELECT o.version_pk FROM activity_inputs i JOIN activity_outputs o ON o.activity_id = i.activity_id WHERE i.version_pk = NEW.model_version_pk UNION SELECT i.version_pk FROM activity_outputs o JOIN activity_inputs i ON i.activity_id = o.activity_id WHERE o.version_pk = NEW.model_version_pk) x
      JOIN dataset_versions v ON v.pk = x.pk WHERE v.visibility = 'public' AND (SELECT visibility FROM dataset_versions WHERE pk = NEW.model_version_pk) = 'public'
    ON CONFLICT (version_pk) DO UPDATE SET seq = seq + 1, changed_at = max(changed_at, excluded.changed_at);
END;
--> statement-breakpoint
-- A gate result also changes the lineage pictures of the version's neighbours, which colour it by its gate status.
DROP TRIGGER gate_results_touch;
--> statement-breakpoint
CREATE TRIGGER gate_results_touch AFTER INSERT ON gate_results BEGIN
  INSERT INTO version_changes (version_pk, seq, changed_at)
    SELECT x.pk, 1, coalesce((SELECT created_at FROM measurements WHERE id = NEW.measurement_id), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) FROM (SELECT NEW.version_pk AS pk UNION SELECT o.version_pk FROM activity_inputs i JOIN activity_outputs o ON o.activity_id = i.activity_id WHERE i.version_pk = NEW.version_pk UNION SELECT i.version_pk FROM activity_outputs o JOIN activity_inputs i ON i.activity_id = o.activity_id WHERE o.version_pk = NEW.version_pk) x
      JOIN dataset_versions v ON v.pk = x.pk WHERE v.visibility = 'public' AND (SELECT visibility FROM dataset_versions WHERE pk = NEW.version_pk) = 'public'
    ON CONFLICT (version_pk) DO UPDATE SET seq = seq + 1, changed_at = max(changed_at, excluded.changed_at);
END;
