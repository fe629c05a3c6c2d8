CREATE TABLE `metric_history` (
	`kind` text NOT NULL,
	`series_key` text NOT NULL,
	`table_name` text NOT NULL,
	`at` integer NOT NULL,
	`resolution_ms` integer NOT NULL,
	`span_ms` integer NOT NULL,
	`records` integer NOT NULL,
	`bytes` integer NOT NULL,
	`errors` integer NOT NULL,
	`ack_p99_ms` integer,
	`publish_lag_ms` integer,
	`time_to_table_ms` integer,
	`wal_backlog_bytes` integer,
	PRIMARY KEY(`kind`, `series_key`, `resolution_ms`, `at`)
);
--> statement-breakpoint
CREATE INDEX `metric_history_at_index` ON `metric_history` (`at`);--> statement-breakpoint
CREATE INDEX `metric_history_table_index` ON `metric_history` (`table_name`,`at`);