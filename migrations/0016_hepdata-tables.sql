CREATE TABLE `hepdata_keywords` (
	`table_pk` integer NOT NULL,
	`position` integer NOT NULL,
	`name` text NOT NULL,
	`value` text NOT NULL,
	`observable` text,
	`low_gev` real,
	`high_gev` real,
	PRIMARY KEY(`table_pk`, `position`),
	FOREIGN KEY (`table_pk`) REFERENCES `hepdata_tables`(`pk`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `hepdata_keywords_value_idx` ON `hepdata_keywords` (`name`,`value`);--> statement-breakpoint
CREATE INDEX `hepdata_keywords_observable_idx` ON `hepdata_keywords` (`observable`);--> statement-breakpoint
CREATE TABLE `hepdata_qualifiers` (
	`table_pk` integer NOT NULL,
	`variable` integer NOT NULL,
	`position` integer NOT NULL,
	`name` text NOT NULL,
	`value` text NOT NULL,
	`units` text,
	PRIMARY KEY(`table_pk`, `variable`, `position`),
	FOREIGN KEY (`table_pk`) REFERENCES `hepdata_tables`(`pk`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `hepdata_tables` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`version_pk` integer NOT NULL,
	`position` integer NOT NULL,
	`name` text NOT NULL,
	`description` text NOT NULL,
	`location` text,
	`data_file` text NOT NULL,
	`doi` text,
	`license_name` text,
	`license_url` text,
	`license_description` text,
	`row_count` integer NOT NULL,
	FOREIGN KEY (`version_pk`) REFERENCES `dataset_versions`(`pk`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `hepdata_tables_version_idx` ON `hepdata_tables` (`version_pk`,`position`);--> statement-breakpoint
CREATE TABLE `hepdata_variables` (
	`table_pk` integer NOT NULL,
	`kind` text NOT NULL,
	`position` integer NOT NULL,
	`name` text NOT NULL,
	`units` text,
	PRIMARY KEY(`table_pk`, `kind`, `position`),
	FOREIGN KEY (`table_pk`) REFERENCES `hepdata_tables`(`pk`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
-- A version's HEPData tables are part of what its formats say: writing them changes its representations.
CREATE TRIGGER hepdata_tables_touch AFTER INSERT ON hepdata_tables BEGIN
  INSERT INTO version_changes (version_pk, seq, changed_at)
    SELECT v.pk, 1, coalesce(v.published_at, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) FROM dataset_versions v WHERE v.pk = NEW.version_pk AND v.state = 'published' AND v.visibility = 'public'
    ON CONFLICT (version_pk) DO UPDATE SET seq = seq + 1, changed_at = max(changed_at, excluded.changed_at);
END;
