CREATE TABLE "table_schema_versions" (
	"table_id" text NOT NULL,
	"version" bigint NOT NULL,
	"columns" text NOT NULL,
	"change" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" bigint NOT NULL,
	CONSTRAINT "table_schema_versions_pk" PRIMARY KEY("table_id","version")
);
--> statement-breakpoint
ALTER TABLE "table_schema_versions" ADD CONSTRAINT "table_schema_versions_table_id_tables_id_fk" FOREIGN KEY ("table_id") REFERENCES "public"."tables"("id") ON DELETE cascade ON UPDATE no action;