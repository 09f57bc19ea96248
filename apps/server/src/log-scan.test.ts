/**
 * No secret ever reaches the log: a server logging at `trace` is put through everything that handles
 * a secret (first start, sign-ins good and bad, a password typed into the user name, password change
 * and reset, one-time passwords, the demo key, daemon tokens on REST and sockets, cookies, bearer
 * headers), then every captured line is scanned for every secret used. The redaction config itself is
 * tested with a hand-written log call carrying headers, passwords and tokens.
 */
import { CSRF_HEADER } from '@hamstream/protocol';
import { describe, expect, it } from 'vitest';
import {
  connectEvents,
  hello,
  ingestClient,
  liveClient,
  sendBatch,
  sequenced,
  startTestServer,
  testHeader,
} from './testing/harness.js';

describe('logs', () => {
  it('never contain a password, token, cookie or key used against the server', async () => {
    const lines: string[] = [];
    const s = await startTestServer({
      logger: { level: 'trace', stream: { write: (line: string) => void lines.push(line) } },
    });
    const secrets: string[] = [];
    const keep = (...xs: string[]) => {
      for (const x of xs) {
        secrets.push(x);
        // Token secrets without their prefix too: half a token is still a leak.
        const m = /^hs[sd]_(?:[0-9a-f]{16}_)?(.+)$/.exec(x);
        if (m) secrets.push(m[1]!);
      }
    };
    try {
      const inject = (
        method: 'GET' | 'POST' | 'PUT' | 'PATCH',
        url: string,
        payload?: object,
        headers: Record<string, string> = {},
      ) => s.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
      const first = s.firstStart!;
      keep(first.password);

      // The admin signs in with the one-time password and changes it.
      const adminLogin = await inject('POST', '/api/auth/login', {
        username: 'admin',
        password: first.password,
        bearer: true,
      });
      const adminToken = adminLogin.json<{ token: string }>().token;
      keep(adminToken);
      const adminPassword = 'the root passphrase 4711';
      keep(adminPassword);
      const auth = { authorization: `Bearer ${adminToken}` };
      expect(
        (
          await inject(
            'POST',
            '/api/auth/password',
            { currentPassword: first.password, newPassword: adminPassword },
            auth,
          )
        ).statusCode,
      ).toBe(200);

      // Failed sign-ins, including a password typed into the user name field.
      const typo = 'my-secret-typed-as-username';
      const wrong = 'wrong-password-0815';
      keep(typo, wrong);
      expect((await inject('POST', '/api/auth/login', { username: typo, password: wrong })).statusCode).toBe(
        401,
      );
      expect(
        (await inject('POST', '/api/auth/login', { username: 'admin', password: wrong })).statusCode,
      ).toBe(401);
      expect(
        (
          await inject(
            'POST',
            '/api/auth/password',
            { currentPassword: wrong, newPassword: `${wrong}-new` },
            auth,
          )
        ).statusCode,
      ).toBe(401);
      keep(`${wrong}-new`);

      // An account with a one-time password, a reset, a cookie sign-in.
      const created = (await inject('POST', '/api/accounts', { id: 'alice', role: 'therapist' }, auth)).json<{
        oneTimePassword: string;
      }>();
      keep(created.oneTimePassword);
      const reset = (await inject('PATCH', '/api/accounts/alice', { resetPassword: true }, auth)).json<{
        oneTimePassword: string;
      }>();
      keep(reset.oneTimePassword);
      const aliceLogin = await inject('POST', '/api/auth/login', {
        username: 'alice',
        password: reset.oneTimePassword,
      });
      const cookie = String(aliceLogin.headers['set-cookie']).split(';')[0]!;
      keep(cookie.split('=')[1]!);
      const alicePassword = 'her own long passphrase';
      keep(alicePassword);
      await inject(
        'POST',
        '/api/auth/password',
        { currentPassword: reset.oneTimePassword, newPassword: alicePassword },
        { cookie, [CSRF_HEADER]: '1' },
      );
      await inject('GET', '/api/subjects', undefined, { cookie });

      // The demo key, right and wrong.
      const demoKey = await s.auth.enableDemo();
      keep(demoKey);
      const demo = await inject('POST', '/api/auth/demo', { key: demoKey });
      keep(String(demo.headers['set-cookie']).split(';')[0]!.split('=')[1]!);
      await inject('POST', '/api/auth/demo', { key: `${demoKey}x` });

      // A daemon token: created over REST, used on /ingest, refused on REST, a forged one refused.
      await inject('POST', '/api/sessions', { id: 'sess' }, auth);
      const token = (await inject('POST', '/api/daemon-tokens', { sessions: ['sess'] }, auth)).json<{
        secret: string;
      }>().secret;
      keep(token);
      await inject('GET', '/api/sessions', undefined, { authorization: `Bearer ${token}` });
      const daemon = await ingestClient(s.url, token);
      expect(await hello(daemon, 'sess', testHeader())).toEqual({ ok: true, lastSeq: 0 });
      await sendBatch(daemon, 'sess', sequenced(connectEvents(3)));
      expect(await hello(daemon, 'other', testHeader())).toMatchObject({ ok: false });
      daemon.disconnect();
      const forged = `${token.slice(0, -4)}AAAA`;
      keep(forged);
      await expect(ingestClient(s.url, forged)).rejects.toThrow();
      const live = await liveClient(s.url, adminToken);
      await live.emitWithAck('live:watch', { view: 'wall' });
      live.disconnect();
      await inject('POST', '/api/auth/logout', undefined, auth);
      await inject('GET', '/api/auth/me', undefined, auth);

      // Logged by hand with everything a careless log call could carry: redacted.
      const handMade = [
        'Bearer hand-made-bearer-1',
        'hamstream_session=hand-made-cookie-2',
        'hand-made-password-3',
        'hand-made-token-4',
      ];
      keep(...handMade);
      s.app.log.info(
        {
          req: { headers: { authorization: handMade[0], cookie: handMade[1] } },
          body: { password: handMade[2], currentPassword: handMade[2], newPassword: handMade[2] },
          auth: { token: handMade[3] },
          secret: handMade[3],
        },
        'hand-made log line',
      );
    } finally {
      await s.dispose();
    }

    const text = lines.join('');
    // The scan means something: the log has the sign-ins, refusals and the hand-made line.
    expect(lines.length).toBeGreaterThan(30);
    for (const msg of [
      'signed in',
      'sign-in failed',
      'password changed',
      'daemon token created',
      'ingest hello',
      'hand-made log line',
    ]) {
      expect(text, msg).toContain(msg);
    }
    expect(text).toContain('[redacted]');
    for (const secret of secrets) expect(text.includes(secret), `secret in log: ${secret}`).toBe(false);
  });
});
