'use client';

import { CLIENT_ID_VARIABLE, CLIENT_SECRET_VARIABLE } from '../../../src/sdk-credential-variables';
import { Button } from '../../../src/ui/button';
import { CopyButton } from '../../../src/ui/copy-button';
import { Banner } from '../../../src/ui/feedback';
import { formatTime } from '../../../src/ui/format';

/** A secret just issued by `credentials.create` or `rotate`. */
export interface IssuedSecret {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly expiresAt: number | null;
}

/** A value to copy (the client id, the secret): a caption, the value in monospace and its "Copy" button. */
export function CopyableValue({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div>
      <p className="mb-1 text-xs font-medium text-zinc-600 dark:text-zinc-400">{label}</p>
      <div className="flex items-center gap-2">
        <code
          data-testid={testId}
          className="flex-1 rounded-md bg-zinc-100 px-2.5 py-1.5 font-mono text-[13px] break-all dark:bg-zinc-800"
        >
          {value}
        </code>
        <CopyButton text={value} />
      </div>
    </div>
  );
}

/**
 * The one time a secret is shown: the client id and secret, each with "Copy", and the environment variables
 * to keep them in (the SDKs' names, as in the snippets). Closing the dialog forgets the secret (the server
 * keeps only a hash).
 */
export function SecretView({ issued, principalName }: { issued: IssuedSecret; principalName: string }) {
  return (
    <>
      <Banner>
        Copy the secret now: it is shown only this once. Store both where <strong>{principalName}</strong>{' '}
        runs, as <code className="font-mono">{CLIENT_ID_VARIABLE}</code> and{' '}
        <code className="font-mono">{CLIENT_SECRET_VARIABLE}</code>: the Zerobus SDKs' names, which the
        table's SDK snippets read.
      </Banner>
      <CopyableValue label="Client id" value={issued.clientId} testId="client-id" />
      <CopyableValue label="Client secret" value={issued.clientSecret} testId="secret-value" />
      <p className="text-xs text-zinc-500 dark:text-zinc-400">
        {issued.expiresAt === null ? 'Never expires.' : `Expires ${formatTime(issued.expiresAt)}.`}
      </p>
    </>
  );
}

/** The footer of the secret dialog. */
export function SecretDone({ onClose }: { onClose: () => void }) {
  return (
    <Button variant="primary" onClick={onClose}>
      Done, I copied it
    </Button>
  );
}
