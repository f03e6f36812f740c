CREATE TABLE `sites` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`homepage` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
ALTER TABLE `distribution_locations` ADD `site` text REFERENCES sites(id);--> statement-breakpoint
ALTER TABLE `distribution_locations` ADD `protocol` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `distribution_locations` ADD `checksum_algorithm` text;--> statement-breakpoint
ALTER TABLE `distribution_locations` ADD `checksum_value` text;--> statement-breakpoint
ALTER TABLE `distribution_locations` ADD `verified_at` text;--> statement-breakpoint
ALTER TABLE `distribution_locations` ADD `verify_result` text;--> statement-breakpoint
ALTER TABLE `distribution_locations` ADD `verify_detail` text;--> statement-breakpoint
CREATE INDEX `distribution_locations_site_idx` ON `distribution_locations` (`site`);--> statement-breakpoint
-- Every mirror stored before replicas had sites keeps its URL and order; its protocol is its URL's scheme.
UPDATE `distribution_locations` SET `protocol` = lower(substr(`url`, 1, instr(`url`, ':') - 1));
