CREATE TABLE `group_members` (
	`group_id` text NOT NULL,
	`user_id` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	PRIMARY KEY(`group_id`, `user_id`),
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `group_members_user_idx` ON `group_members` (`user_id`);--> statement-breakpoint
CREATE TABLE `groups` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`email` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `dataset_groups` (
	`dataset_id` text NOT NULL,
	`group_id` text NOT NULL,
	PRIMARY KEY(`dataset_id`, `group_id`),
	FOREIGN KEY (`dataset_id`) REFERENCES `datasets`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `dataset_groups_group_idx` ON `dataset_groups` (`group_id`);--> statement-breakpoint
ALTER TABLE `dataset_versions` ADD `visibility` text DEFAULT 'public' NOT NULL;--> statement-breakpoint
ALTER TABLE `dataset_versions` ADD `access_conditions` text;--> statement-breakpoint
ALTER TABLE `dataset_versions` ADD `access_contact` text;--> statement-breakpoint
ALTER TABLE `datasets` ADD `owner_id` text REFERENCES users(id);--> statement-breakpoint
CREATE INDEX `datasets_owner_idx` ON `datasets` (`owner_id`);--> statement-breakpoint
ALTER TABLE `audit_log` ADD `user_id` text;--> statement-breakpoint
ALTER TABLE `tokens` ADD `user_id` text REFERENCES users(id);--> statement-breakpoint
-- femto's own users: FEMTO_ADMIN_TOKEN and the CLI act as `admin`; tokens issued before users existed (and tokens made
-- without naming a user) belong to `default`; the bundled catalog's records to `catalog`.
INSERT INTO users (id, name) VALUES ('admin', 'Administrator'), ('default', 'Default user'), ('catalog', 'Bundled catalog');
--> statement-breakpoint
UPDATE tokens SET user_id = 'default' WHERE user_id IS NULL;
--> statement-breakpoint
UPDATE datasets SET owner_id = CASE created_by
  WHEN 'admin-env' THEN 'admin' WHEN 'cli' THEN 'admin' WHEN 'system:catalog' THEN 'catalog'
  ELSE coalesce((SELECT t.user_id FROM tokens t WHERE t.id = datasets.created_by), 'default') END;
--> statement-breakpoint
UPDATE audit_log SET user_id = CASE actor
  WHEN 'admin-env' THEN 'admin' WHEN 'cli' THEN 'admin' WHEN 'system:catalog' THEN 'catalog' WHEN 'anonymous' THEN NULL
  ELSE (SELECT t.user_id FROM tokens t WHERE t.id = audit_log.actor) END;
--> statement-breakpoint
-- Until now `restricted` meant "invisible to anonymous callers": such versions stay invisible (private), with their files restricted.
UPDATE dataset_versions SET visibility = 'private' WHERE access_level = 'restricted';
--> statement-breakpoint
-- What a private version's members see is never cached nor harvested, so only changes public callers can observe move a
-- version's change counter and its record's datestamp: a derivation step touches its public ends only, and a DOI change is
-- public only while the DOI is (or was) findable. Otherwise adding hidden lineage or a draft DOI would move public datestamps.
DROP TRIGGER activity_inputs_touch;
--> statement-breakpoint
CREATE TRIGGER activity_inputs_touch AFTER INSERT ON activity_inputs BEGIN
  INSERT INTO version_changes (version_pk, seq, changed_at)
    SELECT x.pk, 1, (SELECT created_at FROM activities WHERE id = NEW.activity_id)
      FROM (SELECT NEW.version_pk AS pk UNION SELECT version_pk FROM activity_outputs WHERE activity_id = NEW.activity_id) x
      JOIN dataset_versions v ON v.pk = x.pk WHERE v.visibility = 'public'
    ON CONFLICT (version_pk) DO UPDATE SET seq = seq + 1, changed_at = max(changed_at, excluded.changed_at);
END;
--> statement-breakpoint
DROP TRIGGER activity_outputs_touch;
--> statement-breakpoint
CREATE TRIGGER activity_outputs_touch AFTER INSERT ON activity_outputs BEGIN
  INSERT INTO version_changes (version_pk, seq, changed_at)
    SELECT x.pk, 1, (SELECT created_at FROM activities WHERE id = NEW.activity_id)
      FROM (SELECT NEW.version_pk AS pk UNION SELECT version_pk FROM activity_inputs WHERE activity_id = NEW.activity_id) x
      JOIN dataset_versions v ON v.pk = x.pk WHERE v.visibility = 'public'
    ON CONFLICT (version_pk) DO UPDATE SET seq = seq + 1, changed_at = max(changed_at, excluded.changed_at);
END;
--> statement-breakpoint
DROP TRIGGER dois_touch_ins;
--> statement-breakpoint
CREATE TRIGGER dois_touch_ins AFTER INSERT ON dois WHEN NEW.state = 'findable' BEGIN
  INSERT INTO version_changes (version_pk, seq, changed_at)
    SELECT x.pk, 1, NEW.updated_at FROM (SELECT NEW.version_pk AS pk UNION SELECT o.version_pk FROM activity_inputs i JOIN activity_outputs o ON o.activity_id = i.activity_id WHERE i.version_pk = NEW.version_pk UNION SELECT i.version_pk FROM activity_outputs o JOIN activity_inputs i ON i.activity_id = o.activity_id WHERE o.version_pk = NEW.version_pk UNION SELECT pk FROM dataset_versions WHERE NEW.is_concept = 1 AND dataset_id = NEW.dataset_id AND state = 'published') x
      JOIN dataset_versions v ON v.pk = x.pk WHERE v.visibility = 'public'
    ON CONFLICT (version_pk) DO UPDATE SET seq = seq + 1, changed_at = max(changed_at, excluded.changed_at);
END;
--> statement-breakpoint
DROP TRIGGER dois_touch_upd;
--> statement-breakpoint
CREATE TRIGGER dois_touch_upd AFTER UPDATE ON dois WHEN NEW.state = 'findable' OR OLD.state = 'findable' BEGIN
  INSERT INTO version_changes (version_pk, seq, changed_at)
    SELECT x.pk, 1, NEW.updated_at FROM (SELECT NEW.version_pk AS pk UNION SELECT o.version_pk FROM activity_inputs i JOIN activity_outputs o ON o.activity_id = i.activity_id WHERE i.version_pk = NEW.version_pk UNION SELECT i.version_pk FROM activity_outputs o JOIN activity_inputs i ON i.activity_id = o.activity_id WHERE o.version_pk = NEW.version_pk UNION SELECT pk FROM dataset_versions WHERE NEW.is_concept = 1 AND dataset_id = NEW.dataset_id AND state = 'published' UNION SELECT OLD.version_pk AS pk UNION SELECT o.version_pk FROM activity_inputs i JOIN activity_outputs o ON o.activity_id = i.activity_id WHERE i.version_pk = OLD.version_pk UNION SELECT i.version_pk FROM activity_outputs o JOIN activity_inputs i ON i.activity_id = o.activity_id WHERE o.version_pk = OLD.version_pk UNION SELECT pk FROM dataset_versions WHERE OLD.is_concept = 1 AND dataset_id = OLD.dataset_id AND state = 'published') x
      JOIN dataset_versions v ON v.pk = x.pk WHERE v.visibility = 'public'
    ON CONFLICT (version_pk) DO UPDATE SET seq = seq + 1, changed_at = max(changed_at, excluded.changed_at);
END;
--> statement-breakpoint
DROP TRIGGER dois_touch_del;
--> statement-breakpoint
CREATE TRIGGER dois_touch_del AFTER DELETE ON dois WHEN OLD.state = 'findable' BEGIN
  INSERT INTO version_changes (version_pk, seq, changed_at)
    SELECT x.pk, 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM (SELECT OLD.version_pk AS pk UNION SELECT o.version_pk FROM activity_inputs i JOIN activity_outputs o ON o.activity_id = i.activity_id WHERE i.version_pk = OLD.version_pk UNION SELECT i.version_pk FROM activity_outputs o JOIN activity_inputs i ON i.activity_id = o.activity_id WHERE o.version_pk = OLD.version_pk UNION SELECT pk FROM dataset_versions WHERE OLD.is_concept = 1 AND dataset_id = OLD.dataset_id AND state = 'published') x
      JOIN dataset_versions v ON v.pk = x.pk WHERE v.visibility = 'public'
    ON CONFLICT (version_pk) DO UPDATE SET seq = seq + 1, changed_at = max(changed_at, excluded.changed_at);
END;
