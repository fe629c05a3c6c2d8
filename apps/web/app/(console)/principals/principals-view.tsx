'use client';

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { PageHeader } from '../../../src/ui/layout';
import { useTRPC } from '../../../src/ui/trpc';
import { CredentialsPanel } from './credentials-panel';
import { ServicePrincipalsPanel } from './service-principals-panel';
import { UsersPanel } from './users-panel';

/**
 * Principals & credentials: users (who sign in here, with a role), service principals (producers) and the
 * credentials of the selected service principal.
 */
export function PrincipalsView() {
  const trpc = useTRPC();
  const services = useQuery(trpc.principals.list.queryOptions({ kind: 'service' }));
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const selected = services.data?.find((p) => p.id === selectedId) ?? services.data?.[0] ?? null;

  return (
    <>
      <PageHeader
        title="Principals & credentials"
        description="Users sign in to this console with a role. Service principals are producers: they stream with OAuth client credentials and write where grants allow."
      />
      <div className="grid items-start gap-4 xl:grid-cols-2">
        <UsersPanel />
        <ServicePrincipalsPanel
          selectedId={selected?.id ?? null}
          onSelect={setSelectedId}
          services={services.data}
          error={services.error}
        />
      </div>
      {selected === null ? null : (
        <div className="mt-4">
          <CredentialsPanel principal={selected} />
        </div>
      )}
    </>
  );
}
