'use client';

import type { UserRole } from '@lakestream/catalog';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Button } from '../../../src/ui/button';
import { ConfirmDialog } from '../../../src/ui/confirm-dialog';
import { endOfDay } from '../../../src/ui/date-input';
import { Banner, EmptyState, ErrorMessage, Loading } from '../../../src/ui/feedback';
import { SelectField, TextField } from '../../../src/ui/field';
import { formatAgo, formatTime } from '../../../src/ui/format';
import { Panel, PanelFooterForm } from '../../../src/ui/layout';
import { useSession } from '../../../src/ui/session';
import { Badge, DataTable, Td, Th } from '../../../src/ui/table';
import { useTRPC } from '../../../src/ui/trpc';
import { CopyableValue } from '../principals/secret-dialog';

// The catalog's USER_ROLES, written out: a value import of @lakestream/catalog would bundle SQLite into the page.
const ROLES: readonly UserRole[] = ['viewer', 'editor', 'admin'];

/** The token just created, shown once with the `curl` line that uses it. */
function NewToken({ token, onDone }: { token: string; onDone: () => void }) {
  return (
    <div className="space-y-2 border-b border-zinc-200 p-4 dark:border-zinc-800">
      <Banner>Copy the token now: it is shown only this once (the console keeps only a hash).</Banner>
      <CopyableValue label="Your new API token" value={token} testId="api-token-value" />
      <p className="text-xs text-zinc-500 dark:text-zinc-400">
        Send it as <code className="font-mono">Authorization: Bearer …</code> to{' '}
        <code className="font-mono">/api/trpc/…</code>, e.g.{' '}
        <code className="font-mono">
          curl -H "Authorization: Bearer $LAKESTREAM_TOKEN" …/api/trpc/tables.list
        </code>
      </p>
      <Button variant="primary" onClick={onDone}>
        Done
      </Button>
    </div>
  );
}

/**
 * The user's personal API tokens, for automation (a CLI, Terraform): create one (name, role up to their own,
 * optional expiry) and see it once; list them with their last use; revoke one after a confirmation.
 */
export function ApiTokensPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const session = useSession();
  const tokens = useQuery(trpc.apiTokens.list.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.apiTokens.list.queryKey() });
  const [shown, setShown] = useState<string | null>(null);
  const create = useMutation(
    trpc.apiTokens.create.mutationOptions({
      onSuccess: async (created) => {
        setShown(created.token);
        setName('');
        setExpiry('');
        await refresh();
      },
    }),
  );
  const [toRevoke, setToRevoke] = useState<{ id: string; name: string } | null>(null);
  const revoke = useMutation(
    trpc.apiTokens.revoke.mutationOptions({
      onSuccess: async () => {
        setToRevoke(null);
        await refresh();
      },
    }),
  );
  const allowed = ROLES.slice(0, session.role === null ? 0 : ROLES.indexOf(session.role) + 1);
  const [name, setName] = useState('');
  const [role, setRole] = useState<UserRole>('viewer');
  const [expiry, setExpiry] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const expiresAt = endOfDay(expiry);
    create.mutate({ name, role, ...(expiresAt === undefined ? {} : { expiresAt }) });
  };

  return (
    <Panel title="API tokens" className="mt-4 max-w-4xl" bodyClassName="">
      <p className="px-4 pt-3 text-[13px] text-zinc-600 dark:text-zinc-400">
        For scripts, a CLI or Terraform: a token acts as you, with at most the role you give it, on the
        console's API (no browser needed).
      </p>
      {shown === null ? null : <NewToken token={shown} onDone={() => setShown(null)} />}
      <ErrorMessage error={tokens.error} className="m-3" />
      {tokens.data === undefined ? (
        tokens.error === null ? (
          <Loading what="API tokens" />
        ) : null
      ) : tokens.data.length === 0 ? (
        <div className="p-4">
          <EmptyState title="No API tokens yet" />
        </div>
      ) : (
        <DataTable data-testid="api-tokens-table">
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Role</Th>
              <Th>Status</Th>
              <Th>Expires</Th>
              <Th>Last used</Th>
              <Th className="text-right">Actions</Th>
            </tr>
          </thead>
          <tbody>
            {tokens.data.map((t) => (
              <tr key={t.id}>
                <Td className="font-medium">{t.name}</Td>
                <Td>{t.role}</Td>
                <Td>
                  <Badge tone={t.status === 'active' ? 'good' : 'neutral'}>{t.status}</Badge>
                </Td>
                <Td className="whitespace-nowrap">
                  {t.expiresAt === null ? 'never' : formatTime(t.expiresAt)}
                </Td>
                <Td className="whitespace-nowrap" data-testid="api-token-last-used">
                  {t.lastUsedAt === null
                    ? 'never'
                    : `${formatAgo(t.lastUsedAt)}${t.lastUsedFrom === null ? '' : ` from ${t.lastUsedFrom}`}`}
                </Td>
                <Td className="text-right">
                  {t.status === 'revoked' ? null : (
                    <Button
                      size="sm"
                      variant="danger"
                      onClick={() => setToRevoke({ id: t.id, name: t.name })}
                    >
                      Revoke
                    </Button>
                  )}
                </Td>
              </tr>
            ))}
          </tbody>
        </DataTable>
      )}
      <PanelFooterForm onSubmit={submit} error={create.error}>
        <TextField
          label="Token name"
          required
          placeholder="e.g. terraform"
          className="min-w-48 flex-1"
          value={name}
          onChange={(e) => {
            setName(e.target.value);
            create.reset();
          }}
        />
        <SelectField
          label="Role"
          className="w-32"
          value={role}
          options={allowed.map((r) => ({ value: r, label: r }))}
          onChange={(e) => setRole(e.target.value as UserRole)}
        />
        <TextField
          label="Expires on (optional)"
          type="date"
          className="w-48"
          value={expiry}
          onChange={(e) => setExpiry(e.target.value)}
        />
        <Button type="submit" variant="primary" disabled={create.isPending}>
          Create token
        </Button>
      </PanelFooterForm>
      {toRevoke === null ? null : (
        <ConfirmDialog
          open
          title="Revoke this API token?"
          confirmLabel="Revoke"
          busy={revoke.isPending}
          error={revoke.error}
          onCancel={() => {
            setToRevoke(null);
            revoke.reset();
          }}
          onConfirm={() => revoke.mutate({ id: toRevoke.id })}
        >
          <p>
            <strong>{toRevoke.name}</strong> stops working at once: every script or tool using it is refused
            from its next call. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </Panel>
  );
}
