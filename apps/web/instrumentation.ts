/**
 * Runs once when the Next.js server starts: opens the console's services on the Node runtime, which starts
 * the provisioning reconciler (ingest nodes get the current catalog without waiting for a first request)
 * and creates the first admin from the environment. A bad configuration fails the start, in words.
 * `NEXT_RUNTIME` is set by Next itself (a build-time constant), not configuration: env.ts holds that.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { getServices } = await import('./src/server/services');
  await getServices();
}
