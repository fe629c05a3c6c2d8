CREATE TABLE `stream_history` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`node` text NOT NULL,
	`node_started_at` integer NOT NULL,
	`seq` integer NOT NULL,
	`stream_id` text NOT NULL,
	`kind` text NOT NULL,
	`table_name` text NOT NULL,
	`principal_id` text NOT NULL,
	`credential_id` text NOT NULL,
	`started_at` integer NOT NULL,
	`ended_at` integer NOT NULL,
	`records` integer NOT NULL,
	`bytes` integer NOT NULL,
	`acked_offset` text NOT NULL,
	`status` text NOT NULL,
	`message` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `stream_history_node_seq_index` ON `stream_history` (`node`,`node_started_at`,`seq`);--> statement-breakpoint
CREATE INDEX `stream_history_ended_at_index` ON `stream_history` (`ended_at`);--> statement-breakpoint
CREATE INDEX `stream_history_table_index` ON `stream_history` (`table_name`,`ended_at`);--> statement-breakpoint
CREATE INDEX `stream_history_credential_index` ON `stream_history` (`credential_id`,`ended_at`);