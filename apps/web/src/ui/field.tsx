'use client';

import { type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, useId } from 'react';

/** The classes of a text input or select without a width (for inputs sized by the caller). */
export const inputBaseClass =
  'block rounded-md border border-zinc-300 bg-white px-2.5 py-1.5 text-sm text-zinc-900 shadow-xs placeholder:text-zinc-400 focus:border-sky-500 focus:outline-none focus:ring-2 focus:ring-sky-500/20 disabled:bg-zinc-50 disabled:text-zinc-500 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:placeholder:text-zinc-500 dark:focus:border-sky-400 dark:disabled:bg-zinc-800';

/** The classes of a full-width text input or select, shared so that every form looks the same. */
export const inputClass = `${inputBaseClass} h-8 w-full`;

/**
 * A form control under its label: the <label> is bound to the control whose id is `id` (`htmlFor`), so a test
 * or a screen reader finds the control by the label's text. `TextField`, `SelectField` and `PrincipalSelect` are framed by it.
 */
export function LabelledField({
  id,
  label,
  className = '',
  children,
}: {
  id: string;
  label: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    <div className={className}>
      <label htmlFor={id} className="mb-1 block text-xs font-medium text-zinc-600 dark:text-zinc-400">
        {label}
      </label>
      {children}
    </div>
  );
}

/**
 * A labelled text input: the <label> is bound to the input (`htmlFor`), so a test or a screen reader finds
 * the field by its label text. `hint` is a line of help under it.
 */
export function TextField({
  label,
  hint,
  className = '',
  ...props
}: InputHTMLAttributes<HTMLInputElement> & { label: string; hint?: ReactNode }) {
  const id = useId();
  return (
    <LabelledField id={id} label={label} className={className}>
      <input id={id} className={inputClass} {...props} />
      {hint === undefined ? null : <p className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">{hint}</p>}
    </LabelledField>
  );
}

/** One choice of a `SelectField`. */
export interface SelectOption {
  readonly value: string;
  readonly label: string;
}

/** A labelled select over `options`. */
export function SelectField({
  label,
  options,
  className = '',
  ...props
}: SelectHTMLAttributes<HTMLSelectElement> & { label: string; options: readonly SelectOption[] }) {
  const id = useId();
  return (
    <LabelledField id={id} label={label} className={className}>
      <select id={id} className={inputClass} {...props}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </LabelledField>
  );
}
