/**
 * The sign-in cookie. `HttpOnly` (page scripts never see it), `SameSite=Strict` (never sent with a
 * request another site starts: the first CSRF defence), `Path=/`. `Secure` when the server is reached
 * over https (directly or, with `--behind-proxy`, as the proxy says); then the name gets the `__Host-`
 * prefix, which browsers accept only from a secure origin without a Domain: no other host or plain-http
 * page can set or overwrite it. On plain http to 127.0.0.1 the cookie cannot be Secure (the browser
 * would drop it); that is the local-only trade-off docs/server.md describes.
 */
export const SESSION_COOKIE = 'hamstream_session';
export const SECURE_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;

/** The sign-in token from a `Cookie` header (the secure name wins), or null. */
export function readSessionCookie(header: string | undefined): string | null {
  if (!header) return null;
  let plain: string | null = null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name === SECURE_SESSION_COOKIE && value) return value;
    if (name === SESSION_COOKIE && value) plain = value;
  }
  return plain;
}

export function sessionCookie(token: string, opts: { secure: boolean; maxAgeS: number }): string {
  const name = opts.secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
  return `${name}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.max(0, Math.floor(opts.maxAgeS))}${opts.secure ? '; Secure' : ''}`;
}

export function clearSessionCookie(opts: { secure: boolean }): string {
  return sessionCookie('', { secure: opts.secure, maxAgeS: 0 });
}
