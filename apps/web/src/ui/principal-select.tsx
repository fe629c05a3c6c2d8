'use client';

import type { PrincipalInfo } from '@lakestream/catalog';
import { useId } from 'react';
import { inputClass } from './field';

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
    <div className={className}>
      <label htmlFor={id} className="mb-1 block text-xs font-medium text-zinc-600 dark:text-zinc-400">
        {label}
      </label>
      <select id={id} className={inputClass} value={value} onChange={(e) => onChange(e.target.value)}>
        {emptyLabel === undefined ? null : <option value="">{emptyLabel}</option>}
        {services.length === 0 ? null : (
          <optgroup label="Service principals">
            {services.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
                {p.disabled ? ' (disabled)' : ''}
              </option>
            ))}
          </optgroup>
        )}
        {users.length === 0 ? null : (
          <optgroup label="Users">
            {users.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
                {p.disabled ? ' (disabled)' : ''}
              </option>
            ))}
          </optgroup>
        )}
      </select>
    </div>
  );
}
