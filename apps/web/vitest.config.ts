import { defineConfig } from 'vitest/config';

// Tests run on Node against real SQLite files/`:memory:` catalogs and real ingest admin servers (from
// apps/ingest's dist, built by turbo's `^build`). One file at a time is plenty on 2 cores. JSX is compiled
// with React's automatic runtime (tsconfig keeps it for Next), so a test can render a component to HTML.
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic' } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
