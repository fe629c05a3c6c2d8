'use client';

import { type FormEvent, type ReactNode, useId, useState } from 'react';
import { Button } from './button';
import { Dialog } from './dialog';
import { ErrorMessage } from './feedback';
import { TextField } from './field';

/**
 * The question asked before a rename: one field holding `initial`, labelled `label`; `children` say what the
 * rename keeps and what it changes (grants stay; producers need the new name). `onRename(value)` runs on
 * submit; `error` (the refused rename) shows in the dialog, which stays open; the caller closes it on success.
 */
export function RenameDialog({
  title,
  label,
  initial,
  busy,
  error,
  onRename,
  onEdit,
  onClose,
  children,
}: {
  title: string;
  label: string;
  initial: string;
  busy: boolean;
  error: unknown;
  onRename: (value: string) => void;
  /** Runs at each keystroke (to clear a stale error). */
  onEdit?: () => void;
  onClose: () => void;
  children: ReactNode;
}) {
  const formId = useId();
  const [value, setValue] = useState(initial);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onRename(value.trim());
  };
  return (
    <Dialog
      open
      title={title}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" form={formId} variant="primary" disabled={busy || value.trim() === ''}>
            Rename
          </Button>
        </>
      }
    >
      <form id={formId} onSubmit={submit} className="space-y-2">
        <TextField
          label={label}
          required
          value={value}
          onChange={(e) => {
            setValue(e.target.value);
            onEdit?.();
          }}
        />
        {children}
      </form>
      <ErrorMessage error={error} />
    </Dialog>
  );
}
