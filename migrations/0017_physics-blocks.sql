CREATE TABLE `lattice_configurations` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`markov_chain_uri` text NOT NULL,
	`lfn` text NOT NULL,
	`series` text,
	`markov_step` integer,
	`ave_plaquette` real,
	`crc_checksum` text,
	`precision` text,
	`code_name` text,
	`code_version` text,
	`machine` text,
	`generated_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`created_by` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `lattice_configurations_lfn_uq` ON `lattice_configurations` (`lfn`);--> statement-breakpoint
CREATE INDEX `lattice_configurations_mc_idx` ON `lattice_configurations` (`markov_chain_uri`,`markov_step`);--> statement-breakpoint
CREATE TABLE `version_collision_systems` (
	`version_pk` integer NOT NULL,
	`position` integer NOT NULL,
	`system` text NOT NULL,
	PRIMARY KEY(`version_pk`, `position`),
	FOREIGN KEY (`version_pk`) REFERENCES `version_collisions`(`version_pk`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `version_collision_systems_idx` ON `version_collision_systems` (`system`);--> statement-breakpoint
CREATE TABLE `version_collisions` (
	`version_pk` integer PRIMARY KEY NOT NULL,
	`sqrt_snn_gev` real,
	`sqrt_snn_value` real,
	`sqrt_snn_unit` text,
	`events` integer,
	`trigger` text,
	`subsystems` text,
	`simulated` integer,
	`basis` text,
	FOREIGN KEY (`version_pk`) REFERENCES `dataset_versions`(`pk`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `version_collisions_sqrt_snn_idx` ON `version_collisions` (`sqrt_snn_gev`);--> statement-breakpoint
CREATE TABLE `version_ensemble_quarks` (
	`version_pk` integer NOT NULL,
	`position` integer NOT NULL,
	`action` text NOT NULL,
	`flavours` integer,
	`mass` real,
	`kappa` real,
	PRIMARY KEY(`version_pk`, `position`),
	FOREIGN KEY (`version_pk`) REFERENCES `version_ensembles`(`version_pk`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `version_ensemble_quarks_action_idx` ON `version_ensemble_quarks` (`action`);--> statement-breakpoint
CREATE TABLE `version_ensembles` (
	`version_pk` integer PRIMARY KEY NOT NULL,
	`markov_chain_uri` text NOT NULL,
	`collaboration` text,
	`project_name` text,
	`gauge_action` text,
	`beta` real,
	`l` integer,
	`lx` integer NOT NULL,
	`ly` integer NOT NULL,
	`lz` integer NOT NULL,
	`t` integer NOT NULL,
	`nf` text,
	`algorithm` text,
	`stated_configurations` integer,
	FOREIGN KEY (`version_pk`) REFERENCES `dataset_versions`(`pk`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `version_ensembles_mc_idx` ON `version_ensembles` (`markov_chain_uri`);--> statement-breakpoint
CREATE INDEX `version_ensembles_beta_idx` ON `version_ensembles` (`beta`);--> statement-breakpoint
CREATE INDEX `version_ensembles_l_idx` ON `version_ensembles` (`l`);--> statement-breakpoint
CREATE INDEX `version_ensembles_nf_idx` ON `version_ensembles` (`nf`);--> statement-breakpoint
-- A configuration attached to an ensemble changes what every published version holding that Markov chain says (its count and logical file names).
CREATE TRIGGER lattice_configurations_touch_ins AFTER INSERT ON lattice_configurations BEGIN
  INSERT INTO version_changes (version_pk, seq, changed_at)
    SELECT e.version_pk, 1, NEW.created_at FROM version_ensembles e JOIN dataset_versions v ON v.pk = e.version_pk AND v.state = 'published' WHERE e.markov_chain_uri = NEW.markov_chain_uri
    ON CONFLICT (version_pk) DO UPDATE SET seq = seq + 1, changed_at = max(changed_at, excluded.changed_at);
END;
--> statement-breakpoint
CREATE TRIGGER lattice_configurations_touch_upd AFTER UPDATE ON lattice_configurations BEGIN
  INSERT INTO version_changes (version_pk, seq, changed_at)
    SELECT e.version_pk, 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM version_ensembles e JOIN dataset_versions v ON v.pk = e.version_pk AND v.state = 'published'
     WHERE e.markov_chain_uri IN (OLD.markov_chain_uri, NEW.markov_chain_uri)
    ON CONFLICT (version_pk) DO UPDATE SET seq = seq + 1, changed_at = max(changed_at, excluded.changed_at);
END;
