'use client';

import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Button } from '../../../src/ui/button';
import { Banner, ErrorMessage } from '../../../src/ui/feedback';
import { TextField } from '../../../src/ui/field';
import { PageHeader, Panel } from '../../../src/ui/layout';
import { NewPasswordField } from '../../../src/ui/new-password-field';
import { useSession } from '../../../src/ui/session';
import { useTRPC } from '../../../src/ui/trpc';
import { ApiTokensPanel } from './api-tokens-panel';

/**
 * The signed-in user's account: who they are, a password change (`auth.changePassword`: the current
 * password, then the new one twice; the server ends every other session of the user and renews this one) and
 * their personal API tokens.
 */
export function AccountView() {
  const trpc = useTRPC();
  const session = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const change = useMutation(trpc.auth.changePassword.mutationOptions());

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setMismatch(next !== repeat);
    if (next !== repeat) return;
    change.mutate(
      { currentPassword: current, newPassword: next },
      {
        onSuccess: () => {
          setCurrent('');
          setNext('');
          setRepeat('');
        },
      },
    );
  };

  return (
    <>
      <PageHeader
        title="Your account"
        description={
          <>
            Signed in as <strong>{session.name}</strong>
            {session.role === null ? null : <> ({session.role})</>}.
          </>
        }
      />
      <Panel title="Change password" className="max-w-xl">
        <form onSubmit={submit} className="space-y-4">
          <TextField
            label="Current password"
            type="password"
            autoComplete="current-password"
            required
            value={current}
            onChange={(e) => {
              setCurrent(e.target.value);
              change.reset();
            }}
          />
          <NewPasswordField label="New password" value={next} onChange={(e) => setNext(e.target.value)} />
          <NewPasswordField
            label="Repeat the new password"
            showRule={false}
            value={repeat}
            onChange={(e) => setRepeat(e.target.value)}
          />
          <ErrorMessage error={mismatch ? 'the two new passwords differ' : change.error} />
          {change.isSuccess ? (
            <Banner tone="success">
              Password changed. Your other sessions are signed out; this one goes on.
            </Banner>
          ) : null}
          <Button type="submit" variant="primary" disabled={change.isPending}>
            {change.isPending ? 'Changing…' : 'Change password'}
          </Button>
        </form>
      </Panel>
      <ApiTokensPanel />
    </>
  );
}
