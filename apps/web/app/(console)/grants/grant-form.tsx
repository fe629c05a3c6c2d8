'use client';

import type { PrincipalInfo, Privilege, SecurableType } from '@lakestream/catalog';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Button } from '../../../src/ui/button';
import { Banner, ErrorMessage } from '../../../src/ui/feedback';
import { SelectField } from '../../../src/ui/field';
import { Panel } from '../../../src/ui/layout';
import { PrincipalSelect, usePrincipalChoice } from '../../../src/ui/principal-select';
import { PRIVILEGE_HINTS, privilegesFor } from '../../../src/ui/privileges';
import { SecurableFields } from '../../../src/ui/securable-fields';
import { useSession } from '../../../src/ui/session';
import { useTRPC } from '../../../src/ui/trpc';

/** "Grant a privilege": principal, securable and privilege (only those that mean something there). Editors. */
export function GrantForm({
  principals,
  initialType,
  initialName,
}: {
  principals: readonly PrincipalInfo[];
  initialType: SecurableType;
  initialName: string;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { canEdit } = useSession();
  const [chosenPrincipal, setPrincipalId] = usePrincipalChoice(principals);
  const [type, setType] = useState<SecurableType>(initialType);
  const [name, setName] = useState(initialName);
  const [privilege, setPrivilege] = useState<Privilege>('MODIFY');
  const [done, setDone] = useState<string | null>(null);
  const grant = useMutation(
    trpc.grants.grant.mutationOptions({
      onSuccess: (created) => {
        setDone(`Granted ${created.privilege} on ${created.securable.type} '${created.securable.name}'.`);
        void queryClient.invalidateQueries({ queryKey: trpc.grants.pathKey() });
      },
    }),
  );
  const allowed = privilegesFor(type);
  const chosenPrivilege = allowed.includes(privilege) ? privilege : (allowed[0] ?? 'MODIFY');

  if (!canEdit) {
    return (
      <Banner tone="info">
        Granting and revoking needs the editor role; you can read the grants and check permissions.
      </Banner>
    );
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setDone(null);
    grant.mutate({
      principalId: chosenPrincipal,
      privilege: chosenPrivilege,
      securable: { type, name: name.trim() },
    });
  };

  return (
    <Panel title="Grant a privilege">
      <form onSubmit={submit} className="flex flex-wrap items-end gap-3">
        <PrincipalSelect
          label="Principal"
          className="w-64"
          principals={principals}
          value={chosenPrincipal}
          onChange={setPrincipalId}
        />
        <SelectField
          label="Privilege"
          className="w-72"
          value={chosenPrivilege}
          options={allowed.map((p) => ({ value: p, label: `${p} — ${PRIVILEGE_HINTS[p]}` }))}
          onChange={(e) => setPrivilege(e.target.value as Privilege)}
        />
        <SecurableFields
          typeLabel="Securable type"
          nameLabel="Securable"
          type={type}
          name={name}
          onChange={(t, n) => {
            setType(t);
            setName(n);
          }}
        />
        <Button type="submit" variant="primary" disabled={grant.isPending || chosenPrincipal === ''}>
          Grant
        </Button>
      </form>
      <ErrorMessage error={grant.error} className="mt-3" />
      {done === null || grant.error !== null ? null : (
        <p role="status" className="mt-3 text-xs text-emerald-700 dark:text-emerald-400">
          ✓ {done}
        </p>
      )}
    </Panel>
  );
}
