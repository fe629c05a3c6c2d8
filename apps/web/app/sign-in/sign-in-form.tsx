'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { type FormEvent, useEffect, useState } from 'react';
import { AuthCard } from '../../src/ui/auth-card';
import { Button } from '../../src/ui/button';
import { ErrorMessage } from '../../src/ui/feedback';
import { TextField } from '../../src/ui/field';
import { nextPath } from '../../src/ui/next-path';
import { useTRPC } from '../../src/ui/trpc';
import { useEnterConsole } from '../../src/ui/use-enter-console';

/**
 * The sign-in form. A fresh install (no admin yet) goes to first-run setup instead; a signed-in visitor goes
 * straight on. After signing in, back to the page that sent here (`?next=`).
 */
export function SignInForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const enterConsole = useEnterConsole();
  const status = useQuery(trpc.auth.status.queryOptions());
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');

  useEffect(() => {
    if (status.data?.needsSetup) router.replace('/setup');
    else if (status.data?.user) router.replace(nextPath(window.location.search));
  }, [status.data, router]);

  const signIn = useMutation(
    trpc.auth.signIn.mutationOptions({
      onSuccess: () => enterConsole(nextPath(window.location.search)),
    }),
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate({ email, password });
  };

  return (
    <AuthCard title="Sign in" description="Sign in to the Lakestream console with your e-mail and password.">
      <form onSubmit={submit} className="space-y-4">
        <TextField
          label="Email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <TextField
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <ErrorMessage error={signIn.error} />
        <Button type="submit" variant="primary" className="w-full" disabled={signIn.isPending}>
          {signIn.isPending ? 'Signing in…' : 'Sign in'}
        </Button>
      </form>
    </AuthCard>
  );
}
