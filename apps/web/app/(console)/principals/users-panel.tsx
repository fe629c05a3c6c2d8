'use client';

import type { PrincipalInfo, UserRole } from '@lakestream/catalog';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { MIN_PASSWORD_LENGTH } from '../../../src/password-rule';
import { Button } from '../../../src/ui/button';
import { ConfirmDialog } from '../../../src/ui/confirm-dialog';
import { EmptyState, ErrorMessage, Loading } from '../../../src/ui/feedback';
import { inputBaseClass, SelectField, TextField } from '../../../src/ui/field';
import { formatAgo } from '../../../src/ui/format';
import { Panel, PanelFooterForm } from '../../../src/ui/layout';
import { DisableToggle, PrincipalStatusBadge } from '../../../src/ui/principal-status';
import { useSession } from '../../../src/ui/session';
import { Badge, DataTable, Td, Th } from '../../../src/ui/table';
import { useTRPC } from '../../../src/ui/trpc';
import { PrincipalLifecycleActions } from './principal-lifecycle-actions';
import { SetPasswordDialog } from './set-password-dialog';

// The catalog's USER_ROLES, written out: a value import of @lakestream/catalog would bundle SQLite into the page.
const ROLES: readonly UserRole[] = ['viewer', 'editor', 'admin'];
const ROLE_OPTIONS = ROLES.map((r) => ({ value: r, label: r }));
/** What a role may do, in the words of the role change's confirmation. */
const ROLE_MEANING: Record<UserRole, string> = {
  viewer: 'Viewers read everything but change nothing.',
  editor: 'Editors create catalogs, schemas and tables and grant privileges.',
  admin: 'Admins may do everything: principals, credentials, nodes and the audit log too.',
};

/** A change that asks first: a role from → to, or disabling a user. */
type PendingChange =
  | { kind: 'role'; user: PrincipalInfo; to: UserRole }
  | { kind: 'disable'; user: PrincipalInfo };

/**
 * Console users: their role and status; admins create users, change roles and disable users (each after a
 * confirmation naming the change), re-enable them and set their passwords.
 */
export function UsersPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const session = useSession();
  const users = useQuery(trpc.principals.list.queryOptions({ kind: 'user' }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.principals.list.queryKey() });
  const [pending, setPending] = useState<PendingChange | null>(null);
  const [passwordFor, setPasswordFor] = useState<PrincipalInfo | null>(null);
  const done = async () => {
    setPending(null);
    await refresh();
  };
  const setRole = useMutation(trpc.principals.setRole.mutationOptions({ onSuccess: done }));
  const setDisabled = useMutation(trpc.principals.setDisabled.mutationOptions({ onSuccess: done }));
  const cancel = () => {
    setPending(null);
    setRole.reset();
    setDisabled.reset();
  };
  const createUser = useMutation(trpc.principals.createUser.mutationOptions({ onSuccess: refresh }));
  const [email, setEmail] = useState('');
  const [role, setNewRole] = useState<UserRole>('viewer');
  const [password, setPassword] = useState('');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    createUser.mutate(
      { email, role, password },
      {
        onSuccess: () => {
          setEmail('');
          setPassword('');
        },
      },
    );
  };

  return (
    <Panel title="Users" bodyClassName="">
      <ErrorMessage error={users.error ?? (pending === null ? setDisabled.error : null)} className="m-3" />
      {users.isPending ? (
        <Loading what="users" />
      ) : users.data === undefined ? null : users.data.length === 0 ? (
        <div className="p-4">
          <EmptyState title="No users yet" />
        </div>
      ) : (
        <DataTable data-testid="users-table">
          <thead>
            <tr>
              <Th>Email</Th>
              <Th>Role</Th>
              <Th>Status</Th>
              <Th>Created</Th>
              {session.isAdmin ? <Th className="text-right">Actions</Th> : null}
            </tr>
          </thead>
          <tbody>
            {users.data.map((user) => {
              const me = user.id === session.id;
              return (
                <tr key={user.id}>
                  <Td className="font-medium">
                    {user.name}
                    {me ? <span className="ml-1.5 text-xs font-normal text-zinc-500">(you)</span> : null}
                  </Td>
                  <Td>
                    {session.isAdmin && !me ? (
                      <>
                        <label htmlFor={`role-${user.id}`} className="sr-only">
                          Role of {user.name}
                        </label>
                        <select
                          id={`role-${user.id}`}
                          className={`${inputBaseClass} h-7 w-28 py-0.5 text-xs`}
                          value={user.role ?? 'viewer'}
                          disabled={setRole.isPending}
                          onChange={(e) => setPending({ kind: 'role', user, to: e.target.value as UserRole })}
                        >
                          {ROLE_OPTIONS.map((o) => (
                            <option key={o.value} value={o.value}>
                              {o.label}
                            </option>
                          ))}
                        </select>
                      </>
                    ) : (
                      <Badge tone={user.role === 'admin' ? 'accent' : 'neutral'}>{user.role}</Badge>
                    )}
                  </Td>
                  <Td>
                    <PrincipalStatusBadge disabled={user.disabled} />
                  </Td>
                  <Td className="whitespace-nowrap text-zinc-500 dark:text-zinc-400">
                    {formatAgo(user.createdAt)}
                  </Td>
                  {session.isAdmin ? (
                    <Td className="text-right">
                      {me ? null : (
                        <div className="flex justify-end gap-2">
                          <Button size="sm" onClick={() => setPasswordFor(user)}>
                            Set password
                          </Button>
                          <DisableToggle
                            disabled={user.disabled}
                            busy={setDisabled.isPending}
                            onToggle={(disabled) =>
                              disabled
                                ? setPending({ kind: 'disable', user })
                                : setDisabled.mutate({ id: user.id, disabled })
                            }
                          />
                          <PrincipalLifecycleActions principal={user} />
                        </div>
                      )}
                    </Td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </DataTable>
      )}
      {session.isAdmin ? (
        <PanelFooterForm onSubmit={submit} error={createUser.error}>
          <TextField
            label="User email"
            type="email"
            required
            className="min-w-48 flex-1"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
          <SelectField
            label="Role"
            className="w-28"
            options={ROLE_OPTIONS}
            value={role}
            onChange={(e) => setNewRole(e.target.value as UserRole)}
          />
          <TextField
            label="Initial password"
            type="password"
            autoComplete="new-password"
            required
            minLength={MIN_PASSWORD_LENGTH}
            className="w-44"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <Button type="submit" variant="primary" disabled={createUser.isPending}>
            Create user
          </Button>
        </PanelFooterForm>
      ) : null}
      {pending?.kind === 'role' ? (
        <ConfirmDialog
          open
          title="Change this user's role?"
          confirmLabel={`Make ${pending.to}`}
          busy={setRole.isPending}
          error={setRole.error}
          onCancel={cancel}
          onConfirm={() => setRole.mutate({ id: pending.user.id, role: pending.to })}
        >
          <p data-testid="role-change-summary">
            <strong>{pending.user.name}</strong>: <strong>{pending.user.role}</strong> →{' '}
            <strong>{pending.to}</strong>. {ROLE_MEANING[pending.to]}
          </p>
        </ConfirmDialog>
      ) : null}
      {pending?.kind === 'disable' ? (
        <ConfirmDialog
          open
          title="Disable this user?"
          confirmLabel="Disable"
          busy={setDisabled.isPending}
          error={setDisabled.error}
          onCancel={cancel}
          onConfirm={() => setDisabled.mutate({ id: pending.user.id, disabled: true })}
        >
          <p>
            <strong>{pending.user.name}</strong> is signed out everywhere and cannot sign in until an admin
            enables them again. Their grants and the objects they made stay.
          </p>
        </ConfirmDialog>
      ) : null}
      {passwordFor === null ? null : (
        <SetPasswordDialog user={passwordFor} onClose={() => setPasswordFor(null)} />
      )}
    </Panel>
  );
}
