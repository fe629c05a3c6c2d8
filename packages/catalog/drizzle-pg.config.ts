import { defineConfig } from 'drizzle-kit';

/** drizzle-kit settings for PostgreSQL: `npm run db:generate` writes its migration into ./drizzle-pg. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema-postgres.ts',
  out: './drizzle-pg',
});
