import { defineConfig } from 'drizzle-kit';

/** drizzle-kit settings for SQLite: `npm run db:generate` writes its migration into ./drizzle. */
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/schema.ts',
  out: './drizzle',
});
