'use client';

import { describeCondition } from '@lakestream/catalog/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { formatAlertValue } from '../../../src/ui/alerts/alert-value';
import type { AlertRuleView } from '../../../src/ui/api-types';
import { Button } from '../../../src/ui/button';
import { ConfirmDialog } from '../../../src/ui/confirm-dialog';
import { EmptyState, ErrorMessage, Loading } from '../../../src/ui/feedback';
import { formatAgo, formatTime } from '../../../src/ui/format';
import { PageHeader, Panel } from '../../../src/ui/layout';
import { useSession } from '../../../src/ui/session';
import { Badge, DataTable, Td, Th } from '../../../src/ui/table';
import { useTRPC } from '../../../src/ui/trpc';
import { type AlertRuleFields, AlertRuleForm } from './alert-rule-form';

/** How often the page re-reads the rules' states and the history (ms). */
const POLL_MS = 5000;

const CONDITION_TONE = { ok: 'good', pending: 'warn', firing: 'bad' } as const;

/** A rule's webhook and its last delivery, in words. */
function Delivery({ rule }: { rule: AlertRuleView }) {
  if (rule.webhookUrl === null) return <span className="text-zinc-500">none</span>;
  const { attemptAt, error, deliveredAt } = rule.delivery;
  return (
    <div className="max-w-72">
      <div className="truncate font-mono text-xs" title={rule.webhookUrl}>
        {rule.webhookUrl}
      </div>
      <div className="text-xs text-zinc-500 dark:text-zinc-400" data-testid="webhook-delivery">
        {attemptAt === null
          ? 'not called yet'
          : error === null
            ? `delivered ${formatAgo(deliveredAt)}`
            : `failed ${formatAgo(attemptAt)}: ${error}`}
      </div>
    </div>
  );
}

/**
 * The Alerts page: the rules with their state (ok, pending, firing, since when, the value) and webhook delivery,
 * the admins' form to create and edit rules and a confirmed delete, and the recent firings and resolutions.
 */
export function AlertsView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { isAdmin } = useSession();
  const list = useQuery({ ...trpc.alerts.list.queryOptions(), refetchInterval: POLL_MS });
  const history = useQuery({ ...trpc.alerts.history.queryOptions({ limit: 50 }), refetchInterval: POLL_MS });
  const [editing, setEditing] = useState<AlertRuleView | null>(null);
  const [deleting, setDeleting] = useState<AlertRuleView | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.alerts.pathKey() });
  const create = useMutation(trpc.alerts.create.mutationOptions({ onSuccess: refresh }));
  const update = useMutation(
    trpc.alerts.update.mutationOptions({
      onSuccess: async () => {
        setEditing(null);
        await refresh();
      },
    }),
  );
  const remove = useMutation(
    trpc.alerts.delete.mutationOptions({
      onSuccess: async () => {
        setDeleting(null);
        await refresh();
      },
    }),
  );
  const save = (fields: AlertRuleFields) =>
    editing === null ? create.mutate(fields) : update.mutate({ ...fields, id: editing.id });

  const rules = list.data?.rules ?? [];
  const firing = rules.filter((r) => r.state?.condition === 'firing');
  const seconds = list.data === undefined ? 5 : list.data.intervalMs / 1000;

  return (
    <>
      <PageHeader
        title="Alerts"
        description={`Rules the console evaluates every ${seconds} s. A rule fires once its condition has held for its "for" duration; firing rules show on every page and are POSTed to their webhook (from the console's own host), as is their resolution.`}
      />
      <div className="space-y-5">
        <Panel title="Firing now">
          {firing.length === 0 ? (
            <p className="text-sm text-zinc-500 dark:text-zinc-400" data-testid="firing-alerts">
              Nothing is firing.
            </p>
          ) : (
            <ul className="space-y-1 text-sm" data-testid="firing-alerts">
              {firing.map((r) => (
                <li key={r.id}>
                  <span className="font-medium">{r.name}</span>: {describeCondition(r)} — now{' '}
                  {formatAlertValue(r.kind, r.state?.value ?? null)}
                  {r.state?.subject === null ? '' : ` (${r.state?.subject})`}, firing since{' '}
                  {formatTime(r.state?.firingSince)}
                </li>
              ))}
            </ul>
          )}
        </Panel>

        <Panel title="Rules" bodyClassName="">
          {list.error !== null ? (
            <div className="p-4">
              <ErrorMessage error={list.error} />
            </div>
          ) : list.data === undefined ? (
            <Loading what="alert rules" />
          ) : rules.length === 0 ? (
            <div className="p-4">
              <EmptyState title="No alert rules yet">
                {isAdmin ? 'Create one below.' : 'An admin can create them.'}
              </EmptyState>
            </div>
          ) : (
            <DataTable data-testid="alert-rules-table">
              <thead>
                <tr>
                  <Th>Name</Th>
                  <Th>Condition</Th>
                  <Th>For</Th>
                  <Th>State</Th>
                  <Th>Value now</Th>
                  <Th>Webhook</Th>
                  {isAdmin ? <Th>Actions</Th> : null}
                </tr>
              </thead>
              <tbody>
                {rules.map((r) => (
                  <tr key={r.id} data-condition={r.state?.condition ?? 'unknown'}>
                    <Td className="font-medium">{r.name}</Td>
                    <Td>{describeCondition(r)}</Td>
                    <Td>{r.forSeconds} s</Td>
                    <Td>
                      {r.state === null ? (
                        <Badge>not evaluated yet</Badge>
                      ) : (
                        <span
                          title={
                            r.state.holdingSince === null
                              ? undefined
                              : `since ${formatTime(r.state.holdingSince)}`
                          }
                        >
                          <Badge tone={CONDITION_TONE[r.state.condition]}>{r.state.condition}</Badge>
                        </span>
                      )}
                    </Td>
                    <Td>
                      {formatAlertValue(r.kind, r.state?.value ?? null)}
                      {r.state?.subject == null ? null : (
                        <span className="ml-1 text-xs text-zinc-500 dark:text-zinc-400">
                          {r.state.subject}
                        </span>
                      )}
                    </Td>
                    <Td>
                      <Delivery rule={r} />
                    </Td>
                    {isAdmin ? (
                      <Td className="whitespace-nowrap">
                        <Button
                          size="sm"
                          variant="ghost"
                          aria-label={`Edit ${r.name}`}
                          onClick={() => setEditing(r)}
                        >
                          Edit
                        </Button>
                        <Button
                          size="sm"
                          variant="ghost"
                          aria-label={`Delete ${r.name}`}
                          onClick={() => setDeleting(r)}
                        >
                          Delete
                        </Button>
                      </Td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </DataTable>
          )}
          {isAdmin ? (
            <AlertRuleForm
              key={editing?.id ?? 'new'}
              editing={editing}
              busy={create.isPending || update.isPending}
              error={editing === null ? create.error : update.error}
              onSubmit={save}
              onCancel={() => setEditing(null)}
            />
          ) : null}
        </Panel>

        <Panel title="Recent firings and resolutions" bodyClassName="">
          {history.data === undefined || history.data.length === 0 ? (
            <p className="p-4 text-sm text-zinc-500 dark:text-zinc-400">No alert has fired yet.</p>
          ) : (
            <DataTable data-testid="alert-history" className="max-h-96" scrollLabel="Alert history">
              <thead>
                <tr>
                  <Th>When</Th>
                  <Th>Rule</Th>
                  <Th>State</Th>
                  <Th>Value</Th>
                  <Th>About</Th>
                </tr>
              </thead>
              <tbody>
                {history.data.map((e) => (
                  <tr key={e.id} data-state={e.state}>
                    <Td className="whitespace-nowrap">{formatTime(e.at)}</Td>
                    <Td>{e.ruleName}</Td>
                    <Td>
                      <Badge tone={e.state === 'firing' ? 'bad' : 'good'}>{e.state}</Badge>
                    </Td>
                    <Td>{formatAlertValue(e.kind, e.value)}</Td>
                    <Td>{e.subject ?? '—'}</Td>
                  </tr>
                ))}
              </tbody>
            </DataTable>
          )}
        </Panel>
      </div>

      <ConfirmDialog
        open={deleting !== null}
        title="Delete this alert rule?"
        confirmLabel="Delete rule"
        busy={remove.isPending}
        error={remove.error}
        onConfirm={() => deleting !== null && remove.mutate({ id: deleting.id })}
        onCancel={() => {
          setDeleting(null);
          remove.reset();
        }}
      >
        <p>
          {deleting?.name}: {deleting === null ? '' : describeCondition(deleting)}. It stops being evaluated;
          its past firings stay in the history.
        </p>
      </ConfirmDialog>
    </>
  );
}
