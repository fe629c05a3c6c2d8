'use client';

import type { PrincipalInfo } from '@lakestream/catalog';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { Button } from '../../../src/ui/button';
import { Dialog } from '../../../src/ui/dialog';
import { ErrorMessage } from '../../../src/ui/feedback';
import { NewPasswordField } from '../../../src/ui/new-password-field';
import { useTRPC } from '../../../src/ui/trpc';

/**
 * An admin sets another user's password (`principals.setPassword`): the admin types it, the user's sessions
 * end and they sign in with it. The console keeps only its hash, so the admin tells it to the user.
 */
export function SetPasswordDialog({ user, onClose }: { user: PrincipalInfo; onClose: () => void }) {
  const trpc = useTRPC();
  const formId = useId();
  const [password, setPassword] = useState('');
  const setUserPassword = useMutation(trpc.principals.setPassword.mutationOptions());

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setUserPassword.mutate({ id: user.id, password });
  };

  return (
    <Dialog
      open
      title={`Set the password of ${user.name}`}
      onClose={onClose}
      footer={
        setUserPassword.isSuccess ? (
          <Button variant="primary" onClick={onClose}>
            Done
          </Button>
        ) : (
          <>
            <Button onClick={onClose}>Cancel</Button>
            <Button type="submit" form={formId} variant="danger" disabled={setUserPassword.isPending}>
              Set password
            </Button>
          </>
        )
      }
    >
      {setUserPassword.isSuccess ? (
        <p data-testid="password-set">
          The password of <strong>{user.name}</strong> is set and their sessions have ended. Tell them the new
          password another way than the console: it is not shown again.
        </p>
      ) : (
        <form id={formId} onSubmit={submit} className="space-y-3">
          <p>
            <strong>{user.name}</strong> is signed out everywhere and signs in again with the password you set
            here. Their old password stops working.
          </p>
          <NewPasswordField
            label="New password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <ErrorMessage error={setUserPassword.error} />
        </form>
      )}
    </Dialog>
  );
}
