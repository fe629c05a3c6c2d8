import { defineConfig } from 'vitest/config';

// The differential and fuzz suites decode hundreds of thousands of records: on a loaded 2-core machine a
// file can take well over vitest's 5 s default. The timeout guards against hangs, it is not a speed check.
export default defineConfig({
  test: { testTimeout: 120_000 },
});
