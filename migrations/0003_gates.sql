CREATE TABLE `gate_results` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`measurement_id` text NOT NULL,
	`version_pk` integer NOT NULL,
	`gate` text NOT NULL,
	`verdict` text NOT NULL,
	`value` real,
	`margin` real,
	`reason` text,
	FOREIGN KEY (`measurement_id`) REFERENCES `measurements`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`version_pk`) REFERENCES `dataset_versions`(`pk`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `gate_results_measurement_gate_uq` ON `gate_results` (`measurement_id`,`gate`);--> statement-breakpoint
CREATE INDEX `gate_results_version_gate_idx` ON `gate_results` (`version_pk`,`gate`,`seq`);--> statement-breakpoint
CREATE TABLE `measurements` (
	`id` text PRIMARY KEY NOT NULL,
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
CREATE INDEX `measurements_version_idx` ON `measurements` (`version_pk`,`observable`);