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
CREATE UNIQUE INDEX `alert_rules_name_unique` ON `alert_rules` (`name`);