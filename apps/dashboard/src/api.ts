import type { MarkResult, SessionDto, TargetsBody, TargetsDto } from '@hamstream/protocol';

/** Bearer token for the API, once access control is on (kept by the browser). */
export const token = (): string | null => localStorage.getItem('hamstream.token');

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  const t = token();
  if (t) headers.authorization = `Bearer ${t}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(new URL(path.replace(/^\//, ''), document.baseURI), {
    method,
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await res.json()) as T & { message?: string };
  if (!res.ok) throw new Error(json.message ?? `${method} ${path}: HTTP ${res.status}`);
  return json;
}

export const api = {
  startSet: (session: string, activity: string, side?: string) =>
    call<MarkResult>('POST', `/api/sessions/${encodeURIComponent(session)}/sets/start`, {
      activity,
      ...(side ? { side } : {}),
    }),
  stopSet: (session: string) =>
    call<MarkResult>('POST', `/api/sessions/${encodeURIComponent(session)}/sets/stop`),
  endSession: (session: string) =>
    call<SessionDto>('POST', `/api/sessions/${encodeURIComponent(session)}/end`),
  targets: (subject: string) => call<TargetsDto>('GET', `/api/targets/${encodeURIComponent(subject)}`),
  putTargets: (subject: string, body: TargetsBody) =>
    call<TargetsDto>('PUT', `/api/targets/${encodeURIComponent(subject)}`, body),
};
