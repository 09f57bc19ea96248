import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  AccountCreateSchema,
  AccountPatchSchema,
  AccountResultSchema,
  AccountSchema,
} from '@hamstream/protocol';
import { Type } from 'typebox';
import { orThrow, ProblemError, problem } from '../errors.js';
import { errorResponses, type RouteDeps } from './deps.js';

const AccountParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

/**
 * Accounts (admins only). Passwords are never chosen here: a new account (or a reset) gets a one-time
 * password, answered once, which must be changed at the first sign-in.
 */
export const accountRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { auth, store }) => {
  app.addHook('onSend', async (_req, reply) => {
    void reply.header('cache-control', 'no-store');
  });

  const subjectMustExist = (subject: string | null | undefined): void => {
    if (subject && !store.getSubject(subject)) {
      throw new ProblemError(problem('BAD_REQUEST', `no subject ${subject}: create the subject first`));
    }
  };

  app.get(
    '/api/accounts',
    {
      config: { access: 'admin' },
      schema: { summary: 'Every account', response: { 200: Type.Array(AccountSchema), ...errorResponses } },
    },
    async () => auth.listAccounts(),
  );

  app.post(
    '/api/accounts',
    {
      config: { access: 'admin' },
      schema: {
        summary: 'Create an account (admin, therapist, or runner linked to their subject)',
        body: AccountCreateSchema,
        response: { 201: AccountResultSchema, ...errorResponses },
      },
    },
    async (req, reply) => {
      subjectMustExist(req.body.subject);
      const created = orThrow(
        await auth.createAccount({ id: req.body.id, role: req.body.role, subject: req.body.subject ?? null }),
      );
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/api/accounts/:id',
    {
      config: { access: 'admin' },
      schema: {
        summary: 'One account',
        params: AccountParams,
        response: { 200: AccountSchema, ...errorResponses },
      },
    },
    async (req) => {
      const a = auth.getAccount(req.params.id);
      if (!a) throw new ProblemError(problem('NOT_FOUND', `no account ${req.params.id}`));
      return a;
    },
  );

  app.patch(
    '/api/accounts/:id',
    {
      config: { access: 'admin' },
      schema: {
        summary: 'Change role, subject link, disable (ends its sign-ins and tokens) or reset the password',
        params: AccountParams,
        body: AccountPatchSchema,
        response: { 200: AccountResultSchema, ...errorResponses },
      },
    },
    async (req) => {
      subjectMustExist(req.body.subject);
      return orThrow(await auth.updateAccount(req.params.id, req.body));
    },
  );
};
