'use client';

import type { UserRole } from '@lakestream/catalog';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Button } from '../../../src/ui/button';
import { EmptyState, ErrorMessage, Loading } from '../../../src/ui/feedback';
import { inputBaseClass, SelectField, TextField } from '../../../src/ui/field';
import { formatAgo } from '../../../src/ui/format';
import { Panel, PanelFooterForm } from '../../../src/ui/layout';
import { DisableToggle, PrincipalStatusBadge } from '../../../src/ui/principal-status';
import { useSession } from '../../../src/ui/session';
import { Badge, DataTable, Td, Th } from '../../../src/ui/table';
import { useTRPC } from '../../../src/ui/trpc';

// The catalog's USER_ROLES, written out: a value import of @lakestream/catalog would bundle SQLite into the page.
const ROLES: readonly UserRole[] = ['viewer', 'editor', 'admin'];
const ROLE_OPTIONS = ROLES.map((r) => ({ value: r, label: r }));

/** Console users: their role and status; admins create users, change roles, disable and re-enable. */
export function UsersPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const session = useSession();
  const users = useQuery(trpc.principals.list.queryOptions({ kind: 'user' }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.principals.list.queryKey() });
  const setRole = useMutation(trpc.principals.setRole.mutationOptions({ onSuccess: refresh }));
  const setDisabled = useMutation(trpc.principals.setDisabled.mutationOptions({ onSuccess: refresh }));
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
      <ErrorMessage error={users.error ?? setRole.error ?? setDisabled.error} className="m-3" />
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
                          onChange={(e) => setRole.mutate({ id: user.id, role: e.target.value as UserRole })}
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
                        <DisableToggle
                          disabled={user.disabled}
                          busy={setDisabled.isPending}
                          onToggle={(disabled) => setDisabled.mutate({ id: user.id, disabled })}
                        />
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
            minLength={8}
            className="w-44"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <Button type="submit" variant="primary" disabled={createUser.isPending}>
            Create user
          </Button>
        </PanelFooterForm>
      ) : null}
    </Panel>
  );
}
