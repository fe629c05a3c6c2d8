import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { openStorage } from '../src/index.js';
import { type Azurite, startAzurite } from '../src/test-support/index.js';
import { describeStorageConformance } from './support/storage-conformance.js';
import { tempDir } from './support/temp-dir.js';

describeStorageConformance('local directory', async () =>
  openStorage(tempDir('storage-local-'), { fsync: false }),
);

let azurite: Azurite | undefined;
let container = '';
beforeAll(async () => {
  azurite = await startAzurite();
  container = await azurite.createContainer();
});
afterAll(() => azurite?.stop());

describeStorageConformance('Azure Blob Storage (Azurite)', async ({ pageSize }) =>
  openStorage(`az://${container}/tables/${randomUUID()}`, { pageSize, env: azurite!.env }),
);

// S3 runs only against a store given in the environment: LAKESTREAM_TEST_S3_URL=s3://<bucket>/<prefix> plus
// the AWS SDK's variables (AWS_ENDPOINT_URL for MinIO, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).
const s3Url = process.env.LAKESTREAM_TEST_S3_URL;
if (s3Url === undefined || s3Url === '') {
  describe('Storage conformance: S3', () => {
    it.skip('skipped: set LAKESTREAM_TEST_S3_URL=s3://<bucket>/<prefix> (and AWS_*) to run it', () => {});
  });
  console.info('S3 conformance skipped: LAKESTREAM_TEST_S3_URL is not set');
} else {
  describeStorageConformance(`S3 (${s3Url})`, async ({ pageSize }) =>
    openStorage(`${s3Url.replace(/\/$/, '')}/${randomUUID()}`, { pageSize }),
  );
}
