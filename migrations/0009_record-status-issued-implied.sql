ALTER TABLE `dataset_versions` ADD `status` text DEFAULT 'available' NOT NULL;--> statement-breakpoint
ALTER TABLE `dataset_versions` ADD `issued` text;--> statement-breakpoint
CREATE INDEX `dataset_versions_status_idx` ON `dataset_versions` (`status`);--> statement-breakpoint
ALTER TABLE `activities` ADD `implied` integer DEFAULT false NOT NULL;