'use client';

import type { CredentialInfo, PrincipalInfo } from '@lakestream/catalog';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Button } from '../../../src/ui/button';
import { endOfDay } from '../../../src/ui/date-input';
import { Dialog } from '../../../src/ui/dialog';
import { EmptyState, ErrorMessage, Loading } from '../../../src/ui/feedback';
import { TextField } from '../../../src/ui/field';
import { formatAgo, formatDate, formatTime } from '../../../src/ui/format';
import { Panel, PanelFooterForm } from '../../../src/ui/layout';
import { useSession } from '../../../src/ui/session';
import { Badge, DataTable, Td, Th } from '../../../src/ui/table';
import { useTRPC } from '../../../src/ui/trpc';
import { type IssuedSecret, SecretDone, SecretView } from './secret-dialog';

const STATUS_TONE = { active: 'good', expired: 'warn', revoked: 'bad' } as const;

/** What the credentials panel is asking the admin to confirm. */
type Pending = { kind: 'rotate' | 'revoke'; credential: CredentialInfo };

/**
 * The OAuth credentials of one service principal: client id, secret hint, status, expiry and last use. Admins
 * create one (optional expiry; the secret is shown once), rotate (a new secret, shown once; the old one stops
 * at once) and revoke (after confirming).
 */
export function CredentialsPanel({ principal }: { principal: PrincipalInfo }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { isAdmin } = useSession();
  const credentials = useQuery(trpc.credentials.list.queryOptions({ principalId: principal.id }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.credentials.list.queryKey() });
  const [issued, setIssued] = useState<IssuedSecret | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [expiry, setExpiry] = useState('');
  const [rotateExpiry, setRotateExpiry] = useState('');

  const create = useMutation(
    trpc.credentials.create.mutationOptions({
      onSuccess: (secret) => {
        setIssued(secret);
        setExpiry('');
        void refresh();
      },
    }),
  );
  const rotate = useMutation(
    trpc.credentials.rotate.mutationOptions({
      onSuccess: (secret) => {
        setPending(null);
        setIssued(secret);
        void refresh();
      },
    }),
  );
  const revoke = useMutation(
    trpc.credentials.revoke.mutationOptions({
      onSuccess: () => {
        setPending(null);
        void refresh();
      },
    }),
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const expiresAt = endOfDay(expiry);
    create.mutate({ principalId: principal.id, ...(expiresAt === undefined ? {} : { expiresAt }) });
  };

  const confirm = () => {
    if (pending === null) return;
    if (pending.kind === 'revoke') {
      revoke.mutate({ clientId: pending.credential.clientId });
      return;
    }
    const expiresAt = endOfDay(rotateExpiry);
    rotate.mutate({
      clientId: pending.credential.clientId,
      ...(expiresAt === undefined ? {} : { expiresAt }),
    });
  };

  const closeConfirm = () => {
    setPending(null);
    setRotateExpiry('');
    rotate.reset();
    revoke.reset();
  };

  return (
    <Panel title={`Credentials of ${principal.name}`} bodyClassName="">
      <ErrorMessage error={credentials.error} className="m-3" />
      {credentials.isPending ? (
        <Loading what="credentials" />
      ) : credentials.data === undefined ? null : credentials.data.length === 0 ? (
        <div className="p-4">
          <EmptyState title={`${principal.name} has no credentials yet`}>
            {isAdmin
              ? 'Create a secret below; the producer exchanges it for a token at /oidc/v1/token.'
              : 'An admin issues them.'}
          </EmptyState>
        </div>
      ) : (
        <DataTable data-testid="credentials-table">
          <thead>
            <tr>
              <Th>Client id</Th>
              <Th>Secret</Th>
              <Th>Status</Th>
              <Th>Expires</Th>
              <Th>Last used</Th>
              <Th>Last error</Th>
              <Th>Created</Th>
              {isAdmin ? <Th className="text-right">Actions</Th> : null}
            </tr>
          </thead>
          <tbody>
            {credentials.data.map((c) => (
              <tr key={c.clientId}>
                <Td className="font-mono text-xs">{c.clientId}</Td>
                <Td className="font-mono text-xs text-zinc-500 dark:text-zinc-400">…{c.secretHint}</Td>
                <Td>
                  <Badge tone={STATUS_TONE[c.status]}>{c.status}</Badge>
                </Td>
                <Td className="whitespace-nowrap" title={formatTime(c.expiresAt)}>
                  {c.expiresAt === null ? 'never' : formatDate(c.expiresAt)}
                </Td>
                <Td className="whitespace-nowrap" title={formatTime(c.lastUsedAt)}>
                  {c.lastUsedAt === null ? (
                    <span className="text-zinc-500 dark:text-zinc-400">never</span>
                  ) : (
                    <>
                      {formatAgo(c.lastUsedAt)}
                      {c.lastUsedFrom === null ? null : (
                        <span className="ml-1 text-xs text-zinc-500">from {c.lastUsedFrom}</span>
                      )}
                    </>
                  )}
                </Td>
                <Td className="max-w-sm text-xs" data-testid="credential-last-error">
                  {c.lastError === null ? (
                    <span className="text-zinc-500 dark:text-zinc-400">none</span>
                  ) : (
                    <span title={formatTime(c.lastError.at)}>
                      <Badge tone="bad">{c.lastError.status}</Badge>{' '}
                      <span className="text-zinc-500">{formatAgo(c.lastError.at)}</span>
                      <span className="mt-0.5 block break-words">{c.lastError.message}</span>
                    </span>
                  )}
                </Td>
                <Td
                  className="whitespace-nowrap text-zinc-500 dark:text-zinc-400"
                  title={formatTime(c.createdAt)}
                >
                  {formatAgo(c.rotatedAt ?? c.createdAt)}
                  {c.rotatedAt === null ? '' : ' (rotated)'}
                </Td>
                {isAdmin ? (
                  <Td className="text-right whitespace-nowrap">
                    {c.status === 'revoked' ? null : (
                      <span className="inline-flex gap-1">
                        <Button size="sm" onClick={() => setPending({ kind: 'rotate', credential: c })}>
                          Rotate
                        </Button>
                        <Button
                          size="sm"
                          variant="danger"
                          onClick={() => setPending({ kind: 'revoke', credential: c })}
                        >
                          Revoke
                        </Button>
                      </span>
                    )}
                  </Td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </DataTable>
      )}
      {isAdmin ? (
        <PanelFooterForm onSubmit={submit} error={create.error}>
          <TextField
            label="Expires on (optional)"
            type="date"
            className="w-48"
            value={expiry}
            onChange={(e) => setExpiry(e.target.value)}
          />
          <Button type="submit" variant="primary" disabled={create.isPending || principal.disabled}>
            Create secret
          </Button>
          <span className="pb-1.5 text-xs text-zinc-500 dark:text-zinc-400">
            {principal.disabled
              ? `${principal.name} is disabled.`
              : 'Leave the date empty for a secret that never expires.'}
          </span>
        </PanelFooterForm>
      ) : null}

      <Dialog
        open={issued !== null}
        title={`New secret for ${principal.name}`}
        onClose={() => setIssued(null)}
        footer={<SecretDone onClose={() => setIssued(null)} />}
      >
        {issued === null ? null : <SecretView issued={issued} principalName={principal.name} />}
      </Dialog>

      <Dialog
        open={pending !== null}
        title={pending?.kind === 'revoke' ? 'Revoke credential?' : 'Rotate secret?'}
        onClose={closeConfirm}
        footer={
          <>
            <Button onClick={closeConfirm}>Cancel</Button>
            <Button
              variant={pending?.kind === 'revoke' ? 'danger' : 'primary'}
              disabled={rotate.isPending || revoke.isPending}
              onClick={confirm}
            >
              {pending?.kind === 'revoke' ? 'Revoke credential' : 'Rotate secret'}
            </Button>
          </>
        }
      >
        {pending === null ? null : pending.kind === 'revoke' ? (
          <p>
            <span className="font-mono">{pending.credential.clientId}</span> will stop working for good: no
            new tokens, and ingest nodes refuse its tokens once they have the new catalog (within seconds).
          </p>
        ) : (
          <>
            <p>
              A new secret replaces the current one of{' '}
              <span className="font-mono">{pending.credential.clientId}</span>, which stops working at once.
              The new secret is shown once.
            </p>
            <TextField
              label="New expiry (optional)"
              type="date"
              className="w-48"
              hint="Empty keeps the current expiry."
              value={rotateExpiry}
              onChange={(e) => setRotateExpiry(e.target.value)}
            />
          </>
        )}
        <ErrorMessage error={rotate.error ?? revoke.error} />
      </Dialog>
    </Panel>
  );
}
