/**
 * Tables in Azure Blob Storage (and Azurite, Microsoft's emulator): `az://<container>/<path>` and
 * `abfss://<container>@<account>.dfs.core.windows.net/<path>` locations.
 */
import {
  AnonymousCredential,
  BlobServiceClient,
  type ContainerClient,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import { DeltaError } from '../errors.js';
import { createObjectStorage, type ObjectStoreClient } from './object-store.js';
import type { Storage, StorageOptions } from './storage.js';
import type { StorageLocation } from './storage-location.js';

type AzureLocation = Extract<StorageLocation, { kind: 'azure' }>;

/**
 * The container's client, with credentials from the environment, first match wins:
 * `AZURE_STORAGE_CONNECTION_STRING` (its `BlobEndpoint` points at Azurite or any endpoint); else the account
 * (`abfss://` names it, or `AZURE_STORAGE_ACCOUNT`) with `AZURE_STORAGE_KEY` (shared key) or
 * `AZURE_STORAGE_SAS_TOKEN`, at `AZURE_STORAGE_ENDPOINT` (default `https://<account>.blob.core.windows.net`).
 * Throws `STORAGE` naming the variables when none is set.
 */
function containerClient(location: AzureLocation, env: StorageOptions['env'] = process.env): ContainerClient {
  const connectionString = env.AZURE_STORAGE_CONNECTION_STRING;
  if (connectionString !== undefined && connectionString !== '') {
    return BlobServiceClient.fromConnectionString(connectionString).getContainerClient(location.container);
  }
  const account = location.account ?? env.AZURE_STORAGE_ACCOUNT;
  const key = env.AZURE_STORAGE_KEY;
  const sas = env.AZURE_STORAGE_SAS_TOKEN;
  if (account === undefined || account === '' || (key === undefined && sas === undefined)) {
    throw new DeltaError(
      'STORAGE',
      `no Azure credentials for container ${location.container}: set AZURE_STORAGE_CONNECTION_STRING, or AZURE_STORAGE_ACCOUNT with AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN (and AZURE_STORAGE_ENDPOINT for an emulator)`,
    );
  }
  const endpoint = (env.AZURE_STORAGE_ENDPOINT ?? `https://${account}.blob.core.windows.net`).replace(
    /\/$/,
    '',
  );
  const service =
    key !== undefined
      ? new BlobServiceClient(endpoint, new StorageSharedKeyCredential(account, key))
      : new BlobServiceClient(`${endpoint}?${(sas as string).replace(/^\?/, '')}`, new AnonymousCredential());
  return service.getContainerClient(location.container);
}

/** The HTTP status of an Azure SDK error (`RestError.statusCode`), if it has one. */
function statusOf(err: unknown): number | undefined {
  return (err as { statusCode?: number }).statusCode;
}

/** Requests on one container, as {@link createObjectStorage} makes them. */
function azureClient(container: ContainerClient, pageSize: number | undefined): ObjectStoreClient {
  return {
    async *listFolder(prefix) {
      // List Blobs has no start-after: pages come in name order and the caller skips what precedes it.
      const pages = container
        .listBlobsByHierarchy('/', { prefix })
        .byPage(pageSize === undefined ? {} : { maxPageSize: pageSize });
      try {
        for await (const page of pages) {
          yield page.segment.blobItems.map((b) => ({
            key: b.name,
            size: b.properties.contentLength ?? 0,
            modifiedMs: b.properties.lastModified.getTime(),
          }));
        }
      } catch (err) {
        if (statusOf(err) !== 404) throw err; // a missing container lists as empty
      }
    },
    async get(key) {
      try {
        const response = await container.getBlobClient(key).download();
        const out = new Uint8Array(response.contentLength ?? 0);
        let at = 0;
        for await (const chunk of response.readableStreamBody as AsyncIterable<Buffer>) {
          out.set(chunk, at);
          at += chunk.byteLength;
        }
        return out;
      } catch (err) {
        if (statusOf(err) === 404) return undefined;
        throw err;
      }
    },
    async put(key, data) {
      await container.getBlockBlobClient(key).uploadData(data);
    },
    async putIfAbsent(key, data) {
      try {
        // Put Blob with If-None-Match: * — 409 BlobAlreadyExists when another writer created it first.
        await container
          .getBlockBlobClient(key)
          .upload(data, data.byteLength, { conditions: { ifNoneMatch: '*' } });
        return true;
      } catch (err) {
        const status = statusOf(err);
        if (status === 409 || status === 412) return false;
        throw err;
      }
    },
    async remove(key) {
      try {
        await container.getBlobClient(key).delete();
      } catch (err) {
        if (statusOf(err) !== 404) throw err;
      }
    },
  };
}

/**
 * A {@link Storage} on a folder of an Azure Blob Storage container (`az://` or `abfss://` `location`, see
 * `parseStorageLocation`). Commits are Put Blob with `If-None-Match: *`; writes are one Put Blob (or a block
 * list committed at once), so readers never see part of an object. Credentials and endpoint come from
 * `options.env` (default `process.env`, see `containerClient`); the container must exist. Errors: `STORAGE`.
 */
export function createAzureBlobStorage(
  uri: string,
  location: AzureLocation,
  options: StorageOptions = {},
): Storage {
  const container = containerClient(location, options.env);
  return createObjectStorage(
    { location: uri, options },
    location.prefix,
    azureClient(container, options.pageSize),
  );
}
