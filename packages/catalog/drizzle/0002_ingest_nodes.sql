CREATE TABLE `ingest_node_load` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`node_id` text NOT NULL,
	`at` integer NOT NULL,
	`streams` integer NOT NULL,
	`bytes_per_second` integer NOT NULL,
	`memory_used_bytes` integer NOT NULL,
	`wal_backlog_bytes` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `ingest_node_load_node_at_index` ON `ingest_node_load` (`node_id`,`at`);--> statement-breakpoint
CREATE TABLE `ingest_nodes` (
	`node_id` text PRIMARY KEY NOT NULL,
	`endpoint` text NOT NULL,
	`admin_address` text NOT NULL,
	`version` text NOT NULL,
	`started_at` integer NOT NULL,
	`registered_at` integer NOT NULL,
	`last_beat_at` integer NOT NULL,
	`beat_ms` integer NOT NULL,
	`streams` integer NOT NULL,
	`bytes_per_second` integer NOT NULL,
	`memory_used_bytes` integer NOT NULL,
	`memory_budget_bytes` integer NOT NULL,
	`wal_backlog_bytes` integer NOT NULL,
	`state` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `ingest_nodes_last_beat_index` ON `ingest_nodes` (`last_beat_at`);