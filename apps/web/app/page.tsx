import { redirect } from 'next/navigation';

/** The console opens on its tables (the shell sends signed-out visitors to sign-in from there). */
export default function HomePage() {
  redirect('/tables');
}
