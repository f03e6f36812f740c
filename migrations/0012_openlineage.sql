CREATE TABLE `ol_datasets` (
	`namespace` text NOT NULL,
	`name` text NOT NULL,
	`dataset_id` text NOT NULL,
	PRIMARY KEY(`namespace`, `name`),
	FOREIGN KEY (`dataset_id`) REFERENCES `datasets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ol_datasets_dataset_uq` ON `ol_datasets` (`dataset_id`);--> statement-breakpoint
CREATE TABLE `ol_events` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`digest` text NOT NULL,
	`run_id` text,
	`event_type` text,
	`event_time` text NOT NULL,
	`event` text NOT NULL,
	`received_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ol_events_digest_uq` ON `ol_events` (`digest`);--> statement-breakpoint
CREATE INDEX `ol_events_run_idx` ON `ol_events` (`run_id`);--> statement-breakpoint
CREATE TABLE `ol_runs` (
	`run_id` text PRIMARY KEY NOT NULL,
	`job_namespace` text NOT NULL,
	`job_name` text NOT NULL,
	`state` text NOT NULL,
	`started_at` text,
	`ended_at` text,
	`activity_id` text,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `ol_versions` (
	`dataset_id` text NOT NULL,
	`version_key` text NOT NULL,
	`version_pk` integer NOT NULL,
	PRIMARY KEY(`dataset_id`, `version_key`),
	FOREIGN KEY (`version_pk`) REFERENCES `dataset_versions`(`pk`) ON UPDATE no action ON DELETE no action
);
