CREATE TABLE `agents` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`orcid` text,
	`ror` text,
	`url` text,
	`affiliation` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `agents_orcid_uq` ON `agents` (`orcid`);--> statement-breakpoint
CREATE UNIQUE INDEX `agents_ror_uq` ON `agents` (`ror`);--> statement-breakpoint
CREATE INDEX `agents_name_idx` ON `agents` (`kind`,`name`);--> statement-breakpoint
CREATE TABLE `dataset_versions` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`dataset_id` text NOT NULL,
	`version_number` integer,
	`state` text NOT NULL,
	`revision` integer DEFAULT 1 NOT NULL,
	`version_label` text,
	`title` text NOT NULL,
	`description` text NOT NULL,
	`tier` integer,
	`domain` text,
	`data_type` text,
	`resource_type` text DEFAULT 'Dataset' NOT NULL,
	`license` text,
	`access_level` text NOT NULL,
	`embargo_until` text,
	`publisher` text,
	`size_bytes` integer,
	`record_count` integer,
	`datasheet` text,
	`annotations` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text NOT NULL,
	`published_at` text,
	FOREIGN KEY (`dataset_id`) REFERENCES `datasets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `dataset_versions_number_uq` ON `dataset_versions` (`dataset_id`,`version_number`);--> statement-breakpoint
CREATE INDEX `dataset_versions_facets_idx` ON `dataset_versions` (`tier`,`domain`,`data_type`);--> statement-breakpoint
CREATE INDEX `dataset_versions_published_idx` ON `dataset_versions` (`published_at`);--> statement-breakpoint
CREATE TABLE `datasets` (
	`id` text PRIMARY KEY NOT NULL,
	`latest_version_pk` integer,
	`draft_version_pk` integer,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `datasets_updated_idx` ON `datasets` (`updated_at`);--> statement-breakpoint
CREATE TABLE `distribution_locations` (
	`distribution_pk` integer NOT NULL,
	`position` integer NOT NULL,
	`url` text NOT NULL,
	PRIMARY KEY(`distribution_pk`, `position`),
	FOREIGN KEY (`distribution_pk`) REFERENCES `distributions`(`pk`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `distributions` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`version_pk` integer NOT NULL,
	`position` integer NOT NULL,
	`title` text,
	`media_type` text,
	`format` text,
	`size_bytes` integer,
	`checksum_algorithm` text,
	`checksum_value` text,
	`kind` text DEFAULT 'download' NOT NULL,
	FOREIGN KEY (`version_pk`) REFERENCES `dataset_versions`(`pk`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `distributions_version_idx` ON `distributions` (`version_pk`,`position`);--> statement-breakpoint
CREATE TABLE `related_identifiers` (
	`version_pk` integer NOT NULL,
	`position` integer NOT NULL,
	`identifier_type` text NOT NULL,
	`value` text NOT NULL,
	`relation_type` text NOT NULL,
	PRIMARY KEY(`version_pk`, `position`),
	FOREIGN KEY (`version_pk`) REFERENCES `dataset_versions`(`pk`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `related_identifiers_value_idx` ON `related_identifiers` (`identifier_type`,`value`);--> statement-breakpoint
CREATE TABLE `version_agents` (
	`version_pk` integer NOT NULL,
	`role` text NOT NULL,
	`position` integer NOT NULL,
	`agent_id` text NOT NULL,
	`contributor_type` text,
	`affiliation` text,
	PRIMARY KEY(`version_pk`, `role`, `position`),
	FOREIGN KEY (`version_pk`) REFERENCES `dataset_versions`(`pk`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`agent_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `version_agents_agent_idx` ON `version_agents` (`agent_id`);--> statement-breakpoint
CREATE TABLE `version_terms` (
	`version_pk` integer NOT NULL,
	`facet` text NOT NULL,
	`position` integer NOT NULL,
	`value` text NOT NULL,
	PRIMARY KEY(`version_pk`, `facet`, `position`),
	FOREIGN KEY (`version_pk`) REFERENCES `dataset_versions`(`pk`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `version_terms_value_idx` ON `version_terms` (`facet`,`value`);--> statement-breakpoint
CREATE TABLE `activities` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`name` text,
	`description` text,
	`software_name` text,
	`software_version` text,
	`software_repository` text,
	`software_commit` text,
	`parameters` text,
	`started_at` text,
	`ended_at` text,
	`basis` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`created_by` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `activities_kind_idx` ON `activities` (`kind`);--> statement-breakpoint
CREATE TABLE `activity_agents` (
	`activity_id` text NOT NULL,
	`agent_id` text NOT NULL,
	`role` text DEFAULT 'performer' NOT NULL,
	PRIMARY KEY(`activity_id`, `agent_id`, `role`),
	FOREIGN KEY (`activity_id`) REFERENCES `activities`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`agent_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `activity_agents_agent_idx` ON `activity_agents` (`agent_id`);--> statement-breakpoint
CREATE TABLE `activity_inputs` (
	`activity_id` text NOT NULL,
	`version_pk` integer NOT NULL,
	`role` text,
	PRIMARY KEY(`activity_id`, `version_pk`),
	FOREIGN KEY (`activity_id`) REFERENCES `activities`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`version_pk`) REFERENCES `dataset_versions`(`pk`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `activity_inputs_version_idx` ON `activity_inputs` (`version_pk`,`activity_id`);--> statement-breakpoint
CREATE TABLE `activity_outputs` (
	`activity_id` text NOT NULL,
	`version_pk` integer NOT NULL,
	PRIMARY KEY(`activity_id`, `version_pk`),
	FOREIGN KEY (`activity_id`) REFERENCES `activities`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`version_pk`) REFERENCES `dataset_versions`(`pk`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `activity_outputs_version_idx` ON `activity_outputs` (`version_pk`,`activity_id`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`entity_type` text NOT NULL,
	`entity_id` text NOT NULL,
	`before_digest` text,
	`after_digest` text
);
--> statement-breakpoint
CREATE INDEX `audit_log_entity_idx` ON `audit_log` (`entity_type`,`entity_id`);--> statement-breakpoint
CREATE TABLE `tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`hash` text NOT NULL,
	`role` text NOT NULL,
	`label` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`revoked_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tokens_hash_uq` ON `tokens` (`hash`);