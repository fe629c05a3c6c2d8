import type { NextConfig } from 'next';

/**
 * The console's Next.js config. Loaded at run time from node_modules, never bundled:
 * - better-sqlite3 (a native module);
 * - @grpc/grpc-js and @grpc/proto-loader (the provisioning client, test records);
 * - drizzle-orm and zod: one copy shared with packages/catalog (its zod schemas are composed into ours);
 * - @lakestream/catalog, @lakestream/ingest and @lakestream/zerobus-proto are listed for intent, but Turbopack
 *   bundles workspace packages anyway (vercel/next.js#84388), so src/server/catalog.ts, nodes/admin-client.ts
 *   and test-records/zerobus-call.ts import them with `turbopackIgnore` (they find their files — migrations,
 *   the .proto files — by `import.meta.url`).
 */
const config: NextConfig = {
  serverExternalPackages: [
    'better-sqlite3',
    '@grpc/grpc-js',
    '@grpc/proto-loader',
    '@lakestream/catalog',
    '@lakestream/ingest',
    '@lakestream/zerobus-proto',
    'drizzle-orm',
    'zod',
  ],
  reactStrictMode: true,
};

export default config;
