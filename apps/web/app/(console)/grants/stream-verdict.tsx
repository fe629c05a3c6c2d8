'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button } from '../../../src/ui/button';
import { Banner, ErrorMessage } from '../../../src/ui/feedback';
import { useSession } from '../../../src/ui/session';
import { useTRPC } from '../../../src/ui/trpc';

/**
 * "May stream to this table?" for a principal (`grants.mayStream`: what the SDK's token request asks for, the
 * token endpoint's own check), each missing privilege once; beside a "may not" an editor gets "Grant producer
 * access" (`grants.grantProducerAccess`: USE_CATALOG, USE_SCHEMA, SELECT, MODIFY in one step).
 */
export function StreamVerdict({ principalId, table }: { principalId: string; table: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { canEdit } = useSession();
  const verdict = useQuery(trpc.grants.mayStream.queryOptions({ principalId, table }));
  const fix = useMutation(
    trpc.grants.grantProducerAccess.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.grants.pathKey() }),
    }),
  );
  const decision = verdict.data;
  if (decision === undefined) return null;
  return (
    <div data-testid="stream-verdict">
      <Banner tone={decision.allowed ? 'success' : 'warning'}>
        <strong>{decision.allowed ? 'May stream to this table.' : 'May not stream to this table.'}</strong>{' '}
        {decision.missing.length > 0 ? (
          <>
            Missing for the SDK&apos;s token request:
            <ul className="my-1 list-disc pl-5" data-testid="missing-privileges">
              {decision.missing.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          </>
        ) : (
          decision.reason
        )}
        {!decision.allowed && decision.fixable ? (
          canEdit ? (
            <div className="mt-2">
              <Button
                variant="primary"
                size="sm"
                disabled={fix.isPending}
                onClick={() => fix.mutate({ principalId, table })}
              >
                Grant producer access
              </Button>{' '}
              <span className="text-xs">USE_CATALOG, USE_SCHEMA, SELECT and MODIFY, in one step.</span>
            </div>
          ) : (
            <p className="mt-1 text-xs">Ask an editor to grant producer access.</p>
          )
        ) : null}
      </Banner>
      {fix.error !== null ? <ErrorMessage error={fix.error} /> : null}
    </div>
  );
}
