import { ALERT_KINDS } from '@lakestream/catalog/contract';
import { z } from 'zod';
import {
  createAlertRule,
  deleteAlertRule,
  listAlertEvents,
  listAlertRules,
  updateAlertRule,
} from '../catalog';
import { adminProcedure, authedProcedure, createTRPCRouter } from '../trpc';

/** A rule's settings, as an admin types them (the catalog checks them again and says what is wrong). */
const ruleInput = z.object({
  name: z.string().max(200),
  kind: z.enum(ALERT_KINDS),
  target: z.string().max(800).nullable().default(null),
  threshold: z.number().int().min(0),
  forSeconds: z.number().int().min(0),
  webhookUrl: z.string().max(2000).nullable().default(null),
});

/**
 * Alert rules (admins manage them, everyone reads them), their live state from the console's evaluator, and
 * the recent firings and resolutions.
 */
export const alertsRouter = createTRPCRouter({
  /**
   * Every rule with its state (`ok`, `pending`, `firing`, since when, the value and what it is of; null before
   * the first evaluation) and its last webhook delivery; the evaluation interval.
   */
  list: authedProcedure.query(async ({ ctx }) => {
    const states = new Map(ctx.services.alerts.states().map((s) => [s.ruleId, s]));
    return {
      intervalMs: ctx.services.alerts.intervalMs,
      rules: (await listAlertRules(ctx.services.db)).map((rule) => ({
        ...rule,
        state: states.get(rule.id) ?? null,
      })),
    };
  }),

  /** The rules firing now (for the banner on every page), by name. */
  firing: authedProcedure.query(({ ctx }) =>
    ctx.services.alerts.states().filter((s) => s.condition === 'firing'),
  ),

  /** Recent transitions, newest first (of one rule when `ruleId` is given). */
  history: authedProcedure
    .input(
      z
        .object({ ruleId: z.string().min(1).optional(), limit: z.number().int().min(1).max(500).default(50) })
        .default({ limit: 50 }),
    )
    .query(({ ctx, input }) =>
      listAlertEvents(ctx.services.db, {
        limit: input.limit,
        ...(input.ruleId === undefined ? {} : { ruleId: input.ruleId }),
      }),
    ),

  /** Creates a rule (admin); audited. */
  create: adminProcedure
    .input(ruleInput)
    .mutation(({ ctx, input }) => createAlertRule(ctx.services.db, ctx.actor, input)),

  /** Replaces a rule's settings (admin); audited. */
  update: adminProcedure
    .input(ruleInput.extend({ id: z.string().min(1) }))
    .mutation(({ ctx, input: { id, ...rule } }) => updateAlertRule(ctx.services.db, ctx.actor, id, rule)),

  /** Deletes a rule (admin); its history stays; audited. */
  delete: adminProcedure
    .input(z.object({ id: z.string().min(1) }))
    .mutation(({ ctx, input }) => deleteAlertRule(ctx.services.db, ctx.actor, input.id)),
});
