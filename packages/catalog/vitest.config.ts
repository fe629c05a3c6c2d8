import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// snapshot.test.ts validates our output with apps/ingest's snapshot schema, which imports @lakestream/delta.
// That package's runtime entry is its dist/, which turbo does not build before our tests (we do not depend on
// it), so the tests read its sources instead.
export default defineConfig({
  resolve: {
    alias: { '@lakestream/delta': fileURLToPath(new URL('../delta/src/index.ts', import.meta.url)) },
  },
});
