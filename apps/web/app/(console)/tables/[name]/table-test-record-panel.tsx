'use client';

import type { DeltaStructType } from '@lakestream/catalog';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useMemo, useState } from 'react';
import type { Outputs } from '../../../../src/ui/api-types';
import { Button } from '../../../../src/ui/button';
import { Banner, ErrorMessage } from '../../../../src/ui/feedback';
import { inputClass, LabelledField, SelectField } from '../../../../src/ui/field';
import { Panel } from '../../../../src/ui/layout';
import { Badge, DataTable, Td, Th } from '../../../../src/ui/table';
import { type FormField, formFieldsOf, recordFromForm } from '../../../../src/ui/test-records/record-form';
import { useTRPC } from '../../../../src/ui/trpc';

type TestRecordResult = Outputs['testRecords']['send'];

/** How the record is typed: in the form generated from the schema, or as JSON text. */
const RECORD_MODES = [
  ['form', 'Form'],
  ['json', 'JSON'],
] as const;

/** One form field: a text input, a true/false select, or a JSON text area. */
function ValueInput({
  field,
  value,
  onChange,
}: {
  field: FormField;
  value: string;
  onChange: (value: string) => void;
}) {
  const id = useId();
  const label = `Value of ${field.name}`;
  const hintId = `${id}-hint`;
  const hint = [field.typeLabel, field.nullable ? 'nullable' : 'required', field.hint]
    .filter((s) => s !== '')
    .join(' · ');
  return (
    <LabelledField id={id} label={label}>
      {field.input === 'boolean' ? (
        <select id={id} className={inputClass} value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">(no value)</option>
          <option value="true">true</option>
          <option value="false">false</option>
        </select>
      ) : field.input === 'json' ? (
        <textarea
          id={id}
          aria-describedby={hintId}
          className={`${inputClass} h-16 font-mono text-xs`}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      ) : (
        <input
          id={id}
          aria-describedby={hintId}
          className={`${inputClass} font-mono`}
          inputMode={field.input === 'integer' ? 'numeric' : field.input === 'number' ? 'decimal' : undefined}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
      <p id={hintId} className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">
        {hint}
      </p>
    </LabelledField>
  );
}

/** A value as the answer shows it: JSON for what was sent, the preview's text for what is stored. */
function shown(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The top-level column a refused field path names (`lines[2].qty` → `lines`). */
function topColumn(path: string | null): string | null {
  if (path === null) return null;
  return path.split(/[.[]/)[0] ?? null;
}

/** The node's answer, field by field, with the ack (offset, node, time) or the refusal. */
function Answer({ result }: { result: TestRecordResult }) {
  const refusedColumn = result.outcome === 'refused' ? topColumn(result.refusal.field) : null;
  const node = result.node;
  const where = `${node === null ? 'an ingest node' : `node ${node.nodeId}`}${
    node?.adminAddress ? ` (admin ${node.adminAddress})` : ''
  } via ${result.target.endpoint}`;
  return (
    <div className="mt-4 space-y-3">
      {result.outcome === 'acked' ? (
        <div data-testid="test-record-ack">
          <Banner tone="success">
            Acked: offset {result.ackedOffset} is durable on {where}, {result.ackMs} ms after sending
            {result.visible === null
              ? `. Not readable in the table yet after ${Math.round(result.waitedMs / 1000)} s: look at the latest rows in a moment.`
              : `; readable in the table at version ${result.visible.version}, ${result.visible.afterAckMs} ms after the ack.`}
          </Banner>
        </div>
      ) : (
        <div data-testid="test-record-refusal">
          <Banner tone="warning">
            Refused by {where} with {result.refusal.status}
            {result.refusal.field === null ? '' : `, field ${result.refusal.field}`}: {result.refusal.message}
          </Banner>
        </div>
      )}
      <DataTable data-testid="test-record-answer">
        <thead>
          <tr>
            <Th>Column</Th>
            <Th>Type</Th>
            <Th>Sent</Th>
            <Th>{result.outcome === 'acked' ? 'In the table' : "Node's answer"}</Th>
          </tr>
        </thead>
        <tbody>
          {result.columns.map((c) => {
            const refused = c.name === refusedColumn;
            return (
              <tr key={c.name} data-column={c.name} data-refused={refused ? 'true' : undefined}>
                <Td className="font-mono text-xs">{c.name}</Td>
                <Td className="font-mono text-xs">{c.type}</Td>
                <Td className="max-w-xs truncate font-mono text-xs">
                  {c.sent ? shown(c.sentValue) : <span className="text-zinc-500 italic">not sent</span>}
                </Td>
                <Td className="max-w-md font-mono text-xs">
                  {result.outcome === 'acked' ? (
                    result.visible === null ? (
                      <span className="text-zinc-500 italic">not readable yet</span>
                    ) : (
                      shown(c.stored)
                    )
                  ) : refused ? (
                    <span className="flex flex-wrap items-center gap-1.5">
                      <Badge tone="bad">refused</Badge>
                      {result.refusal.reason ?? result.refusal.message}
                      {result.refusal.code === null ? null : (
                        <span className="text-zinc-500">({result.refusal.code})</span>
                      )}
                    </span>
                  ) : (
                    <span className="text-zinc-500">—</span>
                  )}
                </Td>
              </tr>
            );
          })}
        </tbody>
      </DataTable>
    </div>
  );
}

/**
 * "Test record": a record typed in a form generated from the table's schema (or pasted as JSON) is sent by
 * the console through the producers' path (`testRecords.send`: a Zerobus stream to an ingest node, as the
 * signed-in user) and the node's answer is shown field by field. It lands in the real table, which the panel
 * says before sending.
 */
export function TableTestRecordPanel({ name, schema }: { name: string; schema: DeltaStructType }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const fields = useMemo(() => formFieldsOf(schema), [schema]);
  const [mode, setMode] = useState<'form' | 'json'>('form');
  const [values, setValues] = useState<Record<string, string>>({});
  const [json, setJson] = useState('{}');
  const [problem, setProblem] = useState<string | null>(null);
  const [target, setTarget] = useState('endpoint');
  const access = useQuery(trpc.testRecords.access.queryOptions({ name }));
  const targets = useQuery(trpc.testRecords.targets.queryOptions());
  const send = useMutation(
    trpc.testRecords.send.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries(trpc.tables.preview.queryFilter({ name })),
    }),
  );
  const jsonId = useId();

  const switchTo = (next: 'form' | 'json') => {
    if (next === 'json' && mode === 'form') {
      const record = recordFromForm(fields, values);
      if ('json' in record) setJson(JSON.stringify(JSON.parse(record.json), null, 2));
    }
    setMode(next);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    const record = mode === 'json' ? { json } : recordFromForm(fields, values);
    if ('problem' in record) {
      setProblem(record.problem);
      return;
    }
    send.mutate({ name, record: record.json, target });
  };

  const denied = access.data?.allowed === false;
  return (
    <Panel title="Test record">
      <form onSubmit={submit} className="space-y-3" aria-label="Test record">
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          Check a record against the table's contract before writing a producer: the console sends it as you,
          through the same path producers use (a Zerobus stream to an ingest node, record type JSON), and
          shows what the node answers for each field.
        </p>
        <Banner tone="info">
          A test record that is acked lands in the real table {name}, like any producer's row; nothing marks
          it as a test.
        </Banner>
        {denied ? (
          <p data-testid="test-record-access" className="text-sm text-red-700 dark:text-red-400">
            You may not send records to this table: {access.data?.reason}. Ask an editor to grant you MODIFY
            on it (and USE_CATALOG, USE_SCHEMA above it).
          </p>
        ) : null}
        <div className="flex flex-wrap items-end gap-4">
          <fieldset className="flex items-center gap-3 text-sm">
            <legend className="mb-1 text-xs font-medium text-zinc-600 dark:text-zinc-400">Record as</legend>
            {RECORD_MODES.map(([value, label]) => (
              <label key={value} className="flex items-center gap-1">
                <input
                  type="radio"
                  name="record-as"
                  checked={mode === value}
                  onChange={() => switchTo(value)}
                />
                {label}
              </label>
            ))}
          </fieldset>
          <SelectField
            label="Send to"
            className="w-96 max-w-full"
            value={target}
            onChange={(e) => setTarget(e.target.value)}
            options={(
              targets.data ?? [{ id: 'endpoint', endpoint: 'the producers’ endpoint', nodeId: null }]
            ).map((t) => ({
              value: t.id,
              label:
                t.nodeId === null ? `${t.endpoint} (producers' endpoint)` : `${t.nodeId} · ${t.endpoint}`,
            }))}
          />
        </div>
        {mode === 'form' ? (
          <div className="grid gap-3 md:grid-cols-2">
            {fields.map((f) => (
              <ValueInput
                key={f.name}
                field={f}
                value={values[f.name] ?? ''}
                onChange={(v) => setValues((old) => ({ ...old, [f.name]: v }))}
              />
            ))}
          </div>
        ) : (
          <LabelledField id={jsonId} label="Record JSON">
            <textarea
              id={jsonId}
              className={`${inputClass} h-40 font-mono text-xs`}
              value={json}
              onChange={(e) => setJson(e.target.value)}
            />
          </LabelledField>
        )}
        <div className="flex items-center gap-3">
          <Button type="submit" variant="primary" disabled={send.isPending || denied}>
            {send.isPending ? 'Sending…' : 'Send test record'}
          </Button>
          {send.isPending ? (
            <span role="status" className="text-xs text-zinc-500 dark:text-zinc-400">
              Waiting for the node's ack, then for the row in the table…
            </span>
          ) : null}
        </div>
        <ErrorMessage error={problem ?? send.error} />
      </form>
      {send.data === undefined || send.isPending ? null : <Answer result={send.data} />}
    </Panel>
  );
}
