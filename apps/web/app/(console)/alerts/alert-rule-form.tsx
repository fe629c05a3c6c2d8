'use client';

import { ALERT_KIND_INFO, ALERT_KINDS, type AlertKind } from '@lakestream/catalog/contract';
import { type FormEvent, useState } from 'react';
import type { AlertRuleView } from '../../../src/ui/api-types';
import { Button } from '../../../src/ui/button';
import { SelectField, TextField } from '../../../src/ui/field';
import { PanelFooterForm } from '../../../src/ui/layout';

/** What the form sends: `alerts.create`'s input. */
export interface AlertRuleFields {
  name: string;
  kind: AlertKind;
  target: string | null;
  threshold: number;
  forSeconds: number;
  webhookUrl: string | null;
}

const TARGET_HINT = {
  table: 'a table (catalog.schema.table)',
  node: 'a node id or admin address',
  credential: 'a client id',
} as const;

/**
 * The admins' form under the rules: a new rule, or the rule being edited (`editing`). Numbers are whole; the
 * server checks everything again and its refusal (`error`) is shown under the fields.
 */
export function AlertRuleForm({
  editing,
  busy,
  error,
  onSubmit,
  onCancel,
}: {
  editing: AlertRuleView | null;
  busy: boolean;
  error: unknown;
  onSubmit: (fields: AlertRuleFields) => void;
  onCancel: () => void;
}) {
  const [name, setName] = useState(editing?.name ?? '');
  const [kind, setKind] = useState<AlertKind>(editing?.kind ?? 'publish_lag');
  const [target, setTarget] = useState(editing?.target ?? '');
  const [threshold, setThreshold] = useState(String(editing?.threshold ?? 30));
  const [forSeconds, setForSeconds] = useState(String(editing?.forSeconds ?? 60));
  const [webhookUrl, setWebhookUrl] = useState(editing?.webhookUrl ?? '');
  const info = ALERT_KIND_INFO[kind];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit({
      name,
      kind,
      target: target.trim() === '' ? null : target.trim(),
      threshold: Number(threshold),
      forSeconds: Number(forSeconds),
      webhookUrl: webhookUrl.trim() === '' ? null : webhookUrl.trim(),
    });
  };

  return (
    <PanelFooterForm onSubmit={submit} error={error}>
      <TextField
        label="Rule name"
        className="w-48"
        value={name}
        onChange={(e) => setName(e.target.value)}
        required
      />
      <SelectField
        label="Kind"
        className="w-44"
        value={kind}
        options={ALERT_KINDS.map((k) => ({ value: k, label: ALERT_KIND_INFO[k].label }))}
        onChange={(e) => setKind(e.target.value as AlertKind)}
      />
      <TextField
        label="Watch (empty: any)"
        className="w-56"
        placeholder={TARGET_HINT[info.target]}
        value={target}
        onChange={(e) => setTarget(e.target.value)}
      />
      <TextField
        label={`Threshold (${info.unit})`}
        className="w-32"
        type="number"
        min={0}
        step={1}
        value={threshold}
        onChange={(e) => setThreshold(e.target.value)}
        required
      />
      <TextField
        label="For (seconds)"
        className="w-28"
        type="number"
        min={0}
        step={1}
        value={forSeconds}
        onChange={(e) => setForSeconds(e.target.value)}
        required
      />
      <TextField
        label="Webhook URL (optional)"
        className="w-72"
        type="url"
        placeholder="https://hooks.example.com/…"
        value={webhookUrl}
        onChange={(e) => setWebhookUrl(e.target.value)}
      />
      <Button type="submit" variant="primary" disabled={busy}>
        {editing === null ? 'Create rule' : 'Save rule'}
      </Button>
      {editing === null ? null : (
        <Button type="button" variant="ghost" onClick={onCancel}>
          Cancel edit
        </Button>
      )}
    </PanelFooterForm>
  );
}
