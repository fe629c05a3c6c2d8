import { defineConfig } from 'drizzle-kit';

/** drizzle-kit settings: `npm run db:generate -w @lakestream/catalog` writes a migration into ./drizzle. */
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/schema.ts',
  out: './drizzle',
});
