/**
 * Why the node's catalog store refused a provisioned snapshot or could not load one. Not the catalog's
 * `ProvisioningError` (`@lakestream/catalog`: the control plane refusing a change to the catalog): this is the node
 * refusing what it was sent, or failing to keep it. The admin API maps the codes to gRPC statuses
 * (`INVALID_SNAPSHOT` → INVALID_ARGUMENT, `STALE_VERSION` → FAILED_PRECONDITION, `IO` → INTERNAL).
 */
export type ProvisioningErrorCode = 'INVALID_SNAPSHOT' | 'STALE_VERSION' | 'IO';

/** A provisioning refusal with a code and a message in words (which field, which version, which file). */
export class ProvisioningError extends Error {
  override readonly name = 'ProvisioningError';
  constructor(
    readonly code: ProvisioningErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Whether `error` is a `ProvisioningError` (of `code`, when given). */
export function isProvisioningError(
  error: unknown,
  code?: ProvisioningErrorCode,
): error is ProvisioningError {
  return error instanceof ProvisioningError && (code === undefined || error.code === code);
}
