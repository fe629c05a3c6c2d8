/**
 * The environment variables a producer keeps its client id and secret in: the official Zerobus SDKs' own
 * names (their examples read `DATABRICKS_CLIENT_ID` and `DATABRICKS_CLIENT_SECRET`), so code written for
 * Databricks runs against Lakestream unchanged. The secret dialog and every SDK snippet use these.
 */
export const CLIENT_ID_VARIABLE = 'DATABRICKS_CLIENT_ID';

/** The environment variable holding the client secret (see `CLIENT_ID_VARIABLE`). */
export const CLIENT_SECRET_VARIABLE = 'DATABRICKS_CLIENT_SECRET';

/** The npm package of the official TypeScript SDK, as producers import it. */
export const TYPESCRIPT_SDK_PACKAGE = '@databricks/zerobus-ingest-sdk';
