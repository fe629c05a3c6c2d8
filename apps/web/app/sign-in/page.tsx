import type { Metadata } from 'next';
import { SignInForm } from './sign-in-form';

export const metadata: Metadata = { title: 'Sign in' };

/** `/sign-in`: e-mail and password. */
export default function SignInPage() {
  return <SignInForm />;
}
