// Creates a blob container (its name: the first argument) at AZURE_STORAGE_CONNECTION_STRING if it does not
// exist: the storage adapters expect the container of a table location to be there, and a fresh Azurite has
// none. Retries for a minute while the storage service starts. Run by compose.yaml's `azurite-setup`.
import { BlobServiceClient } from '@azure/storage-blob';

const name = process.argv[2];
const { env } = process;
const connectionString = env.AZURE_STORAGE_CONNECTION_STRING;
if (name === undefined || connectionString === undefined) {
  console.error('usage: AZURE_STORAGE_CONNECTION_STRING=… node create-container.mjs <container>');
  process.exit(2);
}
const container = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(name);
for (let attempt = 1; ; attempt++) {
  try {
    const { succeeded } = await container.createIfNotExists();
    console.log(succeeded ? `created container ${name}` : `container ${name} exists`);
    break;
  } catch (error) {
    if (attempt >= 60) throw error;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
