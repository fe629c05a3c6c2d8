import { defineConfig } from 'vitest/config';

// The catalog's suite runs twice, once per engine: every test file opens its catalogs with
// `openTestCatalog()` (src/test-support), which follows the project's `catalogEngine`. The postgres project
// starts one real PostgreSQL server for the run (Debian's `postgresql` binaries; it fails, saying so, when
// they are missing — never skipped).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'sqlite', provide: { catalogEngine: 'sqlite' } } },
      {
        extends: true,
        test: {
          name: 'postgres',
          provide: { catalogEngine: 'postgres' },
          globalSetup: ['./src/test-support/global-setup.ts'],
        },
      },
    ],
  },
});
