/** Tables in S3 and S3-compatible stores (MinIO, …): `s3://<bucket>/<path>` locations. */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { createObjectStorage, type ObjectStoreClient } from './object-store.js';
import type { Storage, StorageOptions } from './storage.js';
import type { StorageLocation } from './storage-location.js';

type S3Location = Extract<StorageLocation, { kind: 's3' }>;

/**
 * A client configured from the environment: region `AWS_REGION` (or `AWS_DEFAULT_REGION`, default
 * `us-east-1`); endpoint `AWS_ENDPOINT_URL_S3` or `AWS_ENDPOINT_URL` (then path-style addressing, as MinIO
 * and most S3-compatible stores want); `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`(/`AWS_SESSION_TOKEN`)
 * when set, else the SDK's default chain (profiles, web identity, instance roles). Checksums only where the
 * API requires them, which S3-compatible stores accept.
 */
function s3Client(env: StorageOptions['env'] = process.env): S3Client {
  const endpoint = env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  const sessionToken = env.AWS_SESSION_TOKEN;
  return new S3Client({
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    ...(endpoint === undefined || endpoint === '' ? {} : { endpoint, forcePathStyle: true }),
    ...(accessKeyId === undefined || secretAccessKey === undefined
      ? {}
      : {
          credentials: {
            accessKeyId,
            secretAccessKey,
            ...(sessionToken === undefined ? {} : { sessionToken }),
          },
        }),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** The HTTP status of an AWS SDK error (`$metadata.httpStatusCode`), if it has one. */
function statusOf(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

/** Requests on one bucket, as {@link createObjectStorage} makes them. */
function s3Requests(client: S3Client, bucket: string, pageSize: number | undefined): ObjectStoreClient {
  return {
    async *listFolder(prefix, startAfter) {
      let token: string | undefined;
      do {
        let page: ListObjectsV2CommandOutput;
        try {
          page = await client.send(
            new ListObjectsV2Command({
              Bucket: bucket,
              Prefix: prefix,
              Delimiter: '/',
              ...(startAfter === undefined ? {} : { StartAfter: startAfter }),
              ...(token === undefined ? {} : { ContinuationToken: token }),
              ...(pageSize === undefined ? {} : { MaxKeys: pageSize }),
            }),
          );
        } catch (err) {
          if (statusOf(err) === 404) return; // a missing bucket lists as empty
          throw err;
        }
        yield (page.Contents ?? []).map((o) => ({
          key: o.Key ?? '',
          size: o.Size ?? 0,
          modifiedMs: o.LastModified?.getTime() ?? 0,
        }));
        token = page.NextContinuationToken;
      } while (token !== undefined);
    },
    async get(key) {
      try {
        const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return await (
          response.Body as { transformToByteArray(): Promise<Uint8Array> }
        ).transformToByteArray();
      } catch (err) {
        if (statusOf(err) === 404) return undefined;
        throw err;
      }
    },
    async put(key, data) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: data }));
    },
    async putIfAbsent(key, data) {
      try {
        // 412 PreconditionFailed: the object exists; 409 ConditionalRequestConflict: another create of it is
        // in flight. Either way this one did not create it.
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: data, IfNoneMatch: '*' }));
        return true;
      } catch (err) {
        const status = statusOf(err);
        if (status === 412 || status === 409) return false;
        throw err;
      }
    },
    async remove(key) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
  };
}

/**
 * A {@link Storage} on a folder of an S3 bucket (`s3://<bucket>/<path>`): commits are `PutObject` with
 * `If-None-Match: *` (AWS S3 and MinIO honour it), writes a single `PutObject` (atomic), `list` is
 * ListObjectsV2 with `StartAfter` and `Delimiter=/`, paged (`options.pageSize` keys a page). Configured from
 * `options.env` (default `process.env`, see `s3Client`). Errors: `STORAGE`.
 */
export function createS3Storage(uri: string, location: S3Location, options: StorageOptions = {}): Storage {
  return createObjectStorage(
    { location: uri, options },
    location.prefix,
    s3Requests(s3Client(options.env), location.bucket, options.pageSize),
  );
}
