CREATE TABLE "metric_history" (
	"kind" text NOT NULL,
	"series_key" text NOT NULL,
	"table_name" text NOT NULL,
	"at" bigint NOT NULL,
	"resolution_ms" bigint NOT NULL,
	"span_ms" bigint NOT NULL,
	"records" bigint NOT NULL,
	"bytes" bigint NOT NULL,
	"errors" bigint NOT NULL,
	"ack_p99_ms" bigint,
	"publish_lag_ms" bigint,
	"time_to_table_ms" bigint,
	"wal_backlog_bytes" bigint,
	CONSTRAINT "metric_history_pk" PRIMARY KEY("kind","series_key","resolution_ms","at")
);
--> statement-breakpoint
CREATE INDEX "metric_history_at_index" ON "metric_history" USING btree ("at");--> statement-breakpoint
CREATE INDEX "metric_history_table_index" ON "metric_history" USING btree ("table_name","at");