import { defineConfig } from 'vitest/config';

// globalSetup builds dist/ once for the suites that run the built code in child processes (WAL crash test).
export default defineConfig({
  test: {
    globalSetup: ['./test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
