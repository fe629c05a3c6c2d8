import type { TestProject } from 'vitest/node';
import { openCatalog } from '../open-catalog.js';
import { createDatabase, startPostgresServer } from './postgres-server.js';
import { TEMPLATE_DATABASE } from './test-catalog.js';

/**
 * vitest globalSetup of the `postgres` project: one PostgreSQL server for the whole run, with a migrated
 * template database that each test copies (`openTestCatalog`). Provides `postgresUrl` (the server's
 * `postgres` database); stops the server and removes its directory at teardown.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startPostgresServer();
  try {
    const template = await createDatabase(server.url('postgres'), { name: TEMPLATE_DATABASE });
    const migrated = await openCatalog({ url: template });
    await migrated.close();
  } catch (error) {
    await server.stop();
    throw error;
  }
  project.provide('postgresUrl', server.url('postgres'));
  return () => server.stop();
}
