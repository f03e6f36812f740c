CREATE TABLE `import_ledger` (
	`format` text NOT NULL,
	`key` text NOT NULL,
	`digest` text NOT NULL,
	`status` text NOT NULL,
	`subject` text,
	`location` text,
	`applied_at` text NOT NULL,
	PRIMARY KEY(`format`, `key`)
);
