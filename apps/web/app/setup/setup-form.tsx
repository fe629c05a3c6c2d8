'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { type FormEvent, useEffect, useState } from 'react';
import { MIN_PASSWORD_LENGTH, PASSWORD_RULE_SENTENCES } from '../../src/password-rule';
import { AuthCard } from '../../src/ui/auth-card';
import { Button } from '../../src/ui/button';
import { ErrorMessage, Loading } from '../../src/ui/feedback';
import { TextField } from '../../src/ui/field';
import { useTRPC } from '../../src/ui/trpc';
import { useEnterConsole } from '../../src/ui/use-enter-console';

/**
 * First-run setup: shown while `auth.status` says `needsSetup` (no admin yet); creates the first admin and
 * signs them in. Once an admin exists this page sends visitors to sign-in (the server refuses a second setup).
 */
export function SetupForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const enterConsole = useEnterConsole();
  const status = useQuery(trpc.auth.status.queryOptions());
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [mismatch, setMismatch] = useState(false);

  useEffect(() => {
    if (status.data !== undefined && !status.data.needsSetup) router.replace('/sign-in');
  }, [status.data, router]);

  const setup = useMutation(
    trpc.auth.setup.mutationOptions({
      onSuccess: () => enterConsole('/tables'),
    }),
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setMismatch(password !== confirm);
    if (password !== confirm) return;
    setup.mutate({ email, password });
  };

  if (status.data === undefined || !status.data.needsSetup) {
    return status.error === null ? <Loading /> : <ErrorMessage error={status.error} className="m-8" />;
  }
  return (
    <AuthCard
      title="Set up Lakestream"
      description="No admin exists yet. Create the first admin account; you can add more users afterwards."
    >
      <form onSubmit={submit} className="space-y-4">
        <TextField
          label="Admin email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <TextField
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          minLength={MIN_PASSWORD_LENGTH}
          hint={PASSWORD_RULE_SENTENCES.join(' ')}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <TextField
          label="Confirm password"
          type="password"
          autoComplete="new-password"
          required
          value={confirm}
          onChange={(e) => setConfirm(e.target.value)}
        />
        <ErrorMessage error={mismatch ? 'the two passwords differ' : setup.error} />
        <Button type="submit" variant="primary" className="w-full" disabled={setup.isPending}>
          {setup.isPending ? 'Creating…' : 'Create admin'}
        </Button>
      </form>
    </AuthCard>
  );
}
