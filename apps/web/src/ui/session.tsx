'use client';

import type { UserRole } from '@lakestream/catalog';
import { createContext, useContext } from 'react';

/** The signed-in console user, as `auth.status` tells it. */
export interface SignedInUser {
  readonly id: string;
  readonly name: string;
  readonly role: UserRole | null;
}

const RANK: Record<UserRole, number> = { viewer: 0, editor: 1, admin: 2 };

/** Whether `user` has at least role `minimum` (admin > editor > viewer), as the server's `assertRole` decides. */
export function hasRole(user: SignedInUser, minimum: UserRole): boolean {
  return user.role !== null && RANK[user.role] >= RANK[minimum];
}

/** Provided by the console shell once the session is known; pages below it read it with `useSession`. */
export const SessionContext = createContext<SignedInUser | null>(null);

/**
 * The signed-in user of a console page, with what their role allows: `canEdit` (tables, schemas, grants) and
 * `isAdmin` (principals, credentials, nodes, audit). The UI hides what a role cannot do; the server enforces.
 */
export function useSession(): SignedInUser & { canEdit: boolean; isAdmin: boolean } {
  const user = useContext(SessionContext);
  if (user === null) throw new Error('useSession() is for pages inside the console shell');
  return { ...user, canEdit: hasRole(user, 'editor'), isAdmin: hasRole(user, 'admin') };
}
