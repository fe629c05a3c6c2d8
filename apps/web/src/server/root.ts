import { alertsRouter } from './routers/alerts';
import { apiTokensRouter } from './routers/api-tokens';
import { auditRouter } from './routers/audit';
import { authRouter } from './routers/auth';
import { catalogsRouter } from './routers/catalogs';
import { credentialsRouter } from './routers/credentials';
import { grantsRouter } from './routers/grants';
import { nodesRouter } from './routers/nodes';
import { principalsRouter } from './routers/principals';
import { recordsRouter } from './routers/records';
import { streamsRouter } from './routers/streams';
import { tablesRouter } from './routers/tables';
import { testRecordsRouter } from './routers/test-records';
import { createCallerFactory, createTRPCRouter } from './trpc';

/** The console's API: one router per noun. */
export const appRouter = createTRPCRouter({
  auth: authRouter,
  catalogs: catalogsRouter,
  tables: tablesRouter,
  principals: principalsRouter,
  credentials: credentialsRouter,
  grants: grantsRouter,
  audit: auditRouter,
  nodes: nodesRouter,
  streams: streamsRouter,
  records: recordsRouter,
  testRecords: testRecordsRouter,
  alerts: alertsRouter,
  apiTokens: apiTokensRouter,
});

/** The API's type, for the tRPC client. */
export type AppRouter = typeof appRouter;

/** Builds a server-side caller with a given context (tests, server components). */
export const createCaller = createCallerFactory(appRouter);
