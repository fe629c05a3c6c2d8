import type { ReactNode } from 'react';
import { ConsoleShell } from '../../src/ui/console-shell';

/** Every console page (all but sign-in and setup) is inside the shell: signed-in users only. */
export default function ConsoleLayout({ children }: { children: ReactNode }) {
  return <ConsoleShell>{children}</ConsoleShell>;
}
