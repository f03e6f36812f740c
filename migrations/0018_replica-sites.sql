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
ALTER TABLE `distribution_locations` ADD `added_at` text;--> statement-breakpoint
ALTER TABLE `distribution_locations` ADD `verified_at` text;--> statement-breakpoint
ALTER TABLE `distribution_locations` ADD `verify_result` text;--> statement-breakpoint
ALTER TABLE `distribution_locations` ADD `verify_detail` text;--> statement-breakpoint
CREATE INDEX `distribution_locations_site_idx` ON `distribution_locations` (`site`);--> statement-breakpoint
-- Every mirror stored before replicas had sites keeps its URL and order; its protocol is its URL's scheme.
UPDATE `distribution_locations` SET `protocol` = lower(substr(`url`, 1, instr(`url`, ':') - 1));
--> statement-breakpoint
-- A replica added to a published version changes what every format says of its files (URLs, mirrors).
CREATE TRIGGER distribution_locations_touch_ins AFTER INSERT ON distribution_locations WHEN NEW.added_at IS NOT NULL BEGIN
  INSERT INTO version_changes (version_pk, seq, changed_at)
    SELECT x.version_pk, 1, NEW.added_at FROM distributions x JOIN dataset_versions v ON v.pk = x.version_pk WHERE x.pk = NEW.distribution_pk AND v.state = 'published'
    ON CONFLICT (version_pk) DO UPDATE SET seq = seq + 1, changed_at = max(changed_at, excluded.changed_at);
END;
--> statement-breakpoint
-- So does one removed from it (a draft's replicas change with the draft, and published versions are never deleted).
CREATE TRIGGER distribution_locations_touch_del AFTER DELETE ON distribution_locations BEGIN
  INSERT INTO version_changes (version_pk, seq, changed_at)
    SELECT x.version_pk, 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM distributions x JOIN dataset_versions v ON v.pk = x.version_pk WHERE x.pk = OLD.distribution_pk AND v.state = 'published'
    ON CONFLICT (version_pk) DO UPDATE SET seq = seq + 1, changed_at = max(changed_at, excluded.changed_at);
END;
