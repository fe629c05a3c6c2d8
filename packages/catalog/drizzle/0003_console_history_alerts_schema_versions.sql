CREATE TABLE `alert_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`rule_id` text NOT NULL,
	`rule_name` text NOT NULL,
	`kind` text NOT NULL,
	`state` text NOT NULL,
	`subject` text,
	`value` text NOT NULL,
	`threshold` integer NOT NULL,
	`since` integer NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `alert_events_at_index` ON `alert_events` (`at`);--> statement-breakpoint
CREATE INDEX `alert_events_rule_index` ON `alert_events` (`rule_id`,`at`);--> statement-breakpoint
CREATE TABLE `alert_rules` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`target` text,
	`threshold` integer NOT NULL,
	`for_seconds` integer NOT NULL,
	`webhook_url` text,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`delivery_attempt_at` integer,
	`delivery_error` text,
	`delivered_at` integer,
	CONSTRAINT "alert_rules_kind_check" CHECK("alert_rules"."kind" in ('publish_lag', 'errors_per_sec', 'node_unreachable', 'credential_expiring'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `alert_rules_name_unique` ON `alert_rules` (`name`);--> statement-breakpoint
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
CREATE INDEX `metric_history_table_index` ON `metric_history` (`table_name`,`at`);--> statement-breakpoint
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
