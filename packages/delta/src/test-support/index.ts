/**
 * @lakestream/delta/test-support — helpers for the repo's test suites (not for production code): Azurite, the
 * Azure Storage emulator, started and stopped by a test.
 */
export { type Azurite, type StartAzuriteOptions, startAzurite } from './azurite.js';
