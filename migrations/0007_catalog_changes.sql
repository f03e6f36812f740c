CREATE TABLE `catalog_changes` (
	`id` integer PRIMARY KEY NOT NULL,
	`seq` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `datasets_latest_idx` ON `datasets` (`latest_version_pk`);--> statement-breakpoint
INSERT INTO catalog_changes (id, seq) VALUES (1, 1);
--> statement-breakpoint
-- Any change to any version changes some answer over the catalog (search results, facets).
CREATE TRIGGER version_changes_bump_catalog_ins AFTER INSERT ON version_changes BEGIN
  UPDATE catalog_changes SET seq = seq + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER version_changes_bump_catalog_upd AFTER UPDATE ON version_changes BEGIN
  UPDATE catalog_changes SET seq = seq + 1 WHERE id = 1;
END;
