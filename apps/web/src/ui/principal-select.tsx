'use client';

import type { PrincipalInfo } from '@lakestream/catalog';
import { useId, useState } from 'react';
import { inputClass, LabelledField } from './field';

/**
 * A labelled select of principals, service principals first (they are who grants are mostly for), then
 * users; `emptyLabel` adds a first "none chosen" option (e.g. "All principals").
 */
export function PrincipalSelect({
  label,
  principals,
  value,
  onChange,
  emptyLabel,
  className = '',
}: {
  label: string;
  principals: readonly PrincipalInfo[];
  value: string;
  onChange: (id: string) => void;
  emptyLabel?: string;
  className?: string;
}) {
  const id = useId();
  const services = principals.filter((p) => p.kind === 'service');
  const users = principals.filter((p) => p.kind === 'user');
  return (
    <LabelledField id={id} label={label} className={className}>
      <select id={id} className={inputClass} value={value} onChange={(e) => onChange(e.target.value)}>
        {emptyLabel === undefined ? null : <option value="">{emptyLabel}</option>}
        <PrincipalGroup label="Service principals" principals={services} />
        <PrincipalGroup label="Users" principals={users} />
      </select>
    </LabelledField>
  );
}

/** An `<optgroup>` of principals (disabled ones say so); nothing when there are none. */
function PrincipalGroup({ label, principals }: { label: string; principals: readonly PrincipalInfo[] }) {
  if (principals.length === 0) return null;
  return (
    <optgroup label={label}>
      {principals.map((p) => (
        <option key={p.id} value={p.id}>
          {p.name}
          {p.disabled ? ' (disabled)' : ''}
        </option>
      ))}
    </optgroup>
  );
}

/**
 * The principal a form acts on: the one picked, else the first service principal (who grants are mostly
 * for), else the first principal, else `''` while there are none. Returns it and the setter for the select.
 */
export function usePrincipalChoice(principals: readonly PrincipalInfo[]): [string, (id: string) => void] {
  const [picked, setPicked] = useState('');
  const chosen =
    picked !== '' ? picked : ((principals.find((p) => p.kind === 'service') ?? principals[0])?.id ?? '');
  return [chosen, setPicked];
}
