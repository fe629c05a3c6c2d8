CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`actor_id` text NOT NULL,
	`action` text NOT NULL,
	`target_type` text NOT NULL,
	`target` text NOT NULL,
	`details` text DEFAULT '{}' NOT NULL,
	`from_address` text,
	`catalog_version` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_log_at_index` ON `audit_log` (`at`);--> statement-breakpoint
CREATE INDEX `audit_log_target_index` ON `audit_log` (`target_type`,`target`);--> statement-breakpoint
CREATE TABLE `catalog_version` (
	`id` integer PRIMARY KEY NOT NULL,
	`version` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "catalog_version_single_row" CHECK("catalog_version"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE `catalogs` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`comment` text,
	`storage_root` text,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `catalogs_name_unique` ON `catalogs` (`name`);--> statement-breakpoint
CREATE TABLE `columns` (
	`table_id` text NOT NULL,
	`position` integer NOT NULL,
	`name` text NOT NULL,
	`name_key` text NOT NULL,
	`type` text NOT NULL,
	`nullable` integer NOT NULL,
	`comment` text,
	PRIMARY KEY(`table_id`, `position`),
	FOREIGN KEY (`table_id`) REFERENCES `tables`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `columns_table_name_unique` ON `columns` (`table_id`,`name_key`);--> statement-breakpoint
CREATE TABLE `credentials` (
	`id` text PRIMARY KEY NOT NULL,
	`principal_id` text NOT NULL,
	`kind` text DEFAULT 'oauth_client' NOT NULL,
	`secret_hash` text NOT NULL,
	`secret_hint` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer,
	`rotated_at` integer,
	`revoked_at` integer,
	`revoked_by` text,
	`last_used_at` integer,
	`last_used_from` text,
	FOREIGN KEY (`principal_id`) REFERENCES `principals`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "credentials_kind_check" CHECK("credentials"."kind" in ('oauth_client'))
);
--> statement-breakpoint
CREATE INDEX `credentials_principal_index` ON `credentials` (`principal_id`);--> statement-breakpoint
CREATE TABLE `grants` (
	`id` text PRIMARY KEY NOT NULL,
	`principal_id` text NOT NULL,
	`privilege` text NOT NULL,
	`securable_type` text NOT NULL,
	`securable_id` text NOT NULL,
	`granted_by` text NOT NULL,
	`granted_at` integer NOT NULL,
	FOREIGN KEY (`principal_id`) REFERENCES `principals`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "grants_privilege_check" CHECK("grants"."privilege" in ('USE_CATALOG', 'USE_SCHEMA', 'MODIFY', 'SELECT', 'MANAGE')),
	CONSTRAINT "grants_securable_type_check" CHECK("grants"."securable_type" in ('catalog', 'schema', 'table'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `grants_unique` ON `grants` (`principal_id`,`privilege`,`securable_type`,`securable_id`);--> statement-breakpoint
CREATE INDEX `grants_securable_index` ON `grants` (`securable_type`,`securable_id`);--> statement-breakpoint
CREATE TABLE `principals` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`role` text,
	`disabled` integer DEFAULT false NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	CONSTRAINT "principals_kind_check" CHECK("principals"."kind" in ('user', 'service')),
	CONSTRAINT "principals_role_check" CHECK(("principals"."kind" = 'user' and "principals"."role" in ('admin', 'editor', 'viewer')) or ("principals"."kind" = 'service' and "principals"."role" is null))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `principals_name_unique` ON `principals` (`name`);--> statement-breakpoint
CREATE TABLE `schemas` (
	`id` text PRIMARY KEY NOT NULL,
	`catalog_id` text NOT NULL,
	`name` text NOT NULL,
	`comment` text,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`catalog_id`) REFERENCES `catalogs`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `schemas_catalog_name_unique` ON `schemas` (`catalog_id`,`name`);--> statement-breakpoint
CREATE TABLE `tables` (
	`id` text PRIMARY KEY NOT NULL,
	`schema_id` text NOT NULL,
	`name` text NOT NULL,
	`comment` text,
	`storage_location` text NOT NULL,
	`properties` text DEFAULT '{}' NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`schema_id`) REFERENCES `schemas`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tables_schema_name_unique` ON `tables` (`schema_id`,`name`);--> statement-breakpoint
CREATE UNIQUE INDEX `tables_location_unique` ON `tables` (`storage_location`);