import type { Metadata } from 'next';
import { AccountView } from './account-view';

export const metadata: Metadata = { title: 'Your account' };

/** `/account`: the signed-in user's account; change their password. */
export default function AccountPage() {
  return <AccountView />;
}
