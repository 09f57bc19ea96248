import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  DemoLoginSchema,
  LoginResultSchema,
  LoginSchema,
  MeSchema,
  PasswordChangeSchema,
} from '@hamstream/protocol';
import { Type } from 'typebox';
import type { SignIn } from '../auth/auth-service.js';
import { clearSessionCookie, sessionCookie } from '../auth/cookies.js';
import { orThrow } from '../errors.js';
import { errorResponses, type RouteDeps, who } from './deps.js';

/**
 * Sign-in, sign-out, who am I, password change. Sign-in sets the HttpOnly session cookie (browsers)
 * or, with `bearer: true`, answers a bearer token instead (API clients; then no cookie is set, so a
 * page script never sees a cookie's secret).
 */
export const authRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { auth, secureCookies }) => {
  // Nothing about sign-ins is cached by a browser or proxy.
  app.addHook('onSend', async (_req, reply) => {
    void reply.header('cache-control', 'no-store');
  });

  const answer = (signIn: SignIn, bearer: boolean) => ({
    account: auth.me(signIn.principal),
    expiresAt: new Date(signIn.expiresAtMs).toISOString(),
    ...(bearer ? { token: signIn.token } : {}),
  });

  app.post(
    '/api/auth/login',
    {
      config: { access: 'credentials' },
      schema: {
        summary: 'Sign in with user name and password (rate-limited per address and per account)',
        body: LoginSchema,
        response: { 200: LoginResultSchema, ...errorResponses },
      },
    },
    async (req, reply) => {
      const bearer = req.body.bearer === true;
      const signIn = orThrow(
        await auth.login({
          username: req.body.username,
          password: req.body.password,
          ip: req.ip,
          via: bearer ? 'bearer' : 'cookie',
        }),
      );
      if (!bearer) {
        void reply.header(
          'set-cookie',
          sessionCookie(signIn.token, { secure: secureCookies(req), maxAgeS: signIn.ttlMs / 1000 }),
        );
      }
      return answer(signIn, bearer);
    },
  );

  app.post(
    '/api/auth/demo',
    {
      config: { access: 'credentials' },
      schema: {
        summary: 'Sign in as the demo user with the key from the demo link (only while `--demo` runs)',
        body: DemoLoginSchema,
        response: { 200: LoginResultSchema, ...errorResponses },
      },
    },
    async (req, reply) => {
      const signIn = orThrow(auth.demoLogin({ key: req.body.key, ip: req.ip }));
      void reply.header(
        'set-cookie',
        sessionCookie(signIn.token, { secure: secureCookies(req), maxAgeS: signIn.ttlMs / 1000 }),
      );
      return answer(signIn, false);
    },
  );

  app.get(
    '/api/auth/me',
    {
      config: { access: 'account', beforePasswordChange: true },
      schema: { summary: 'The signed-in account', response: { 200: MeSchema, ...errorResponses } },
    },
    async (req) => auth.me(who(req)),
  );

  app.post(
    '/api/auth/logout',
    {
      config: { access: 'account', beforePasswordChange: true },
      schema: { summary: 'Sign out (this sign-in only)', response: { 204: Type.Null(), ...errorResponses } },
    },
    async (req, reply) => {
      auth.logout(who(req));
      void reply.header('set-cookie', clearSessionCookie({ secure: secureCookies(req) }));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/auth/password',
    {
      config: { access: 'account', beforePasswordChange: true },
      schema: {
        summary: 'Change the password (needs the current one); ends every other sign-in of the account',
        body: PasswordChangeSchema,
        response: { 200: MeSchema, ...errorResponses },
      },
    },
    async (req) => {
      const p = orThrow(
        await auth.changePassword(who(req), req.body.currentPassword, req.body.newPassword, req.ip),
      );
      return auth.me(p);
    },
  );
};
