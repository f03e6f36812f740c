CREATE TABLE `doi_outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`doi` text NOT NULL,
	`action` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` text NOT NULL,
	`last_error` text,
	`lease_owner` text,
	`lease_until` text,
	`delivered_at` text
);
--> statement-breakpoint
CREATE INDEX `doi_outbox_due_idx` ON `doi_outbox` (`delivered_at`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `doi_outbox_doi_idx` ON `doi_outbox` (`doi`,`id`);--> statement-breakpoint
CREATE TABLE `dois` (
	`doi` text PRIMARY KEY NOT NULL,
	`state` text NOT NULL,
	`dataset_id` text,
	`version_pk` integer,
	`is_concept` integer DEFAULT false NOT NULL,
	`url` text,
	`attributes` text NOT NULL,
	`withdrawn_at` text,
	`registration_status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`synced_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`dataset_id`) REFERENCES `datasets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`version_pk`) REFERENCES `dataset_versions`(`pk`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `dois_version_uq` ON `dois` (`version_pk`);--> statement-breakpoint
CREATE UNIQUE INDEX `dois_concept_uq` ON `dois` (`dataset_id`) WHERE "dois"."is_concept" = 1;--> statement-breakpoint
CREATE INDEX `dois_dataset_idx` ON `dois` (`dataset_id`);--> statement-breakpoint
CREATE INDEX `dois_updated_idx` ON `dois` (`updated_at`);