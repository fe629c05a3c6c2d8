import type { NextConfig } from 'next';

/**
 * The console's Next.js config. Loaded at run time from node_modules, never bundled:
 * - better-sqlite3 (a native module);
 * - @grpc/grpc-js and @grpc/proto-loader (the provisioning client);
 * - drizzle-orm and zod: one copy shared with packages/catalog (its zod schemas are composed into ours);
 * - @lakestream/catalog and @lakestream/ingest are listed for intent, but Turbopack bundles workspace
 *   packages anyway (vercel/next.js#84388), so src/server/catalog.ts and nodes/admin-client.ts import them with
 *   `turbopackIgnore` (they find their files — migrations, the admin .proto — by `import.meta.url`).
 */
const config: NextConfig = {
  serverExternalPackages: [
    'better-sqlite3',
    '@grpc/grpc-js',
    '@grpc/proto-loader',
    '@lakestream/catalog',
    '@lakestream/ingest',
    'drizzle-orm',
    'zod',
  ],
  reactStrictMode: true,
};

export default config;
