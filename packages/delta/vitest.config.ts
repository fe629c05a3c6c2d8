import { defineConfig } from 'vitest/config';

// Child-process suites (concurrency, crash) take a few seconds each on 2 cores.
export default defineConfig({ test: { testTimeout: 60_000, hookTimeout: 60_000 } });
