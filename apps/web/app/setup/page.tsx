import type { Metadata } from 'next';
import { SetupForm } from './setup-form';

export const metadata: Metadata = { title: 'First-run setup' };

/** `/setup`: creates the first admin of a fresh install. */
export default function SetupPage() {
  return <SetupForm />;
}
