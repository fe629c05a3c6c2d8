import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '../server/root';

/** What each procedure answers, as the pages receive it (plain JSON). */
export type Outputs = inferRouterOutputs<AppRouter>;

/** `streams.live`'s answer. */
export type LiveView = Outputs['streams']['live'];
/** One sampling of rates (totals, a table or a stream). */
export type LivePoint = LiveView['totals'][number];
/** A live stream. */
export type LiveStream = LiveView['streams'][number];
/** An ended stream of the stream history (`streams.history`). */
export type EndedStream = Outputs['streams']['history'][number];
/** A node registered by heartbeat (`nodes.list`'s `registered`). */
export type RegisteredNode = Outputs['nodes']['list']['registered'][number];
/** An alert rule with its state and last webhook delivery (`alerts.list`). */
export type AlertRuleView = Outputs['alerts']['list']['rules'][number];
/** A rule's state after the last evaluation (`alerts.firing`). */
export type AlertStateView = Outputs['alerts']['firing'][number];
