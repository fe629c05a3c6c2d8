CREATE TABLE `table_schema_versions` (
	`table_id` text NOT NULL,
	`version` integer NOT NULL,
	`columns` text NOT NULL,
	`change` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`table_id`, `version`),
	FOREIGN KEY (`table_id`) REFERENCES `tables`(`id`) ON UPDATE no action ON DELETE cascade
);
