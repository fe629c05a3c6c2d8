'use client';

import type { SecurableType } from '@lakestream/catalog';
import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'next/navigation';
import { PageHeader } from '../../../src/ui/layout';
import { SECURABLE_TYPES } from '../../../src/ui/privileges';
import { useTRPC } from '../../../src/ui/trpc';
import { EffectivePermissions } from './effective-permissions';
import { GrantForm } from './grant-form';
import { GrantsList } from './grants-list';

function securableType(value: string | null): SecurableType {
  return SECURABLE_TYPES.find((t) => t === value) ?? 'table';
}

/** The grants page: grant a privilege, the grants (revoke), and "effective permissions — and why". */
export function GrantsView() {
  const trpc = useTRPC();
  const params = useSearchParams();
  const initialType = securableType(params.get('type'));
  const initialName = params.get('name') ?? '';
  const principals = useQuery(trpc.principals.list.queryOptions());
  return (
    <>
      <PageHeader
        title="Grants"
        description="Who may do what where. A privilege on a catalog or schema is inherited by everything in it; MANAGE implies every privilege grantable where it is granted. Streaming to a table with the SDK needs USE_CATALOG, USE_SCHEMA, SELECT and MODIFY (its token request asks for all four): “Grant producer access” below grants them at once."
      />
      <div className="space-y-4">
        <GrantForm principals={principals.data ?? []} initialType={initialType} initialName={initialName} />
        <GrantsList principals={principals.data ?? []} initialSecurable={initialName} />
        <EffectivePermissions
          principals={principals.data ?? []}
          initialType={initialType}
          initialName={initialName}
        />
      </div>
    </>
  );
}
