import type { NextConfig } from 'next';

/**
 * The console's Next.js config. Loaded at run time from node_modules, never bundled:
 * - better-sqlite3 (a native module);
 * - @grpc/grpc-js and @grpc/proto-loader (the provisioning client);
 * - @lakestream/catalog and @lakestream/ingest, which find their files (drizzle migrations, the admin .proto)
 *   relative to `import.meta.url`, which bundling would change.
 */
const config: NextConfig = {
  serverExternalPackages: [
    'better-sqlite3',
    '@grpc/grpc-js',
    '@grpc/proto-loader',
    '@lakestream/catalog',
    '@lakestream/ingest',
  ],
  reactStrictMode: true,
};

export default config;
