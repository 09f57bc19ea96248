import type { MeDto } from '@hamstream/protocol';
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.js';
import type { LiveClient } from './live-client.js';
import { Accounts } from './views/accounts.js';
import { NewSession } from './views/new-session.js';
import { RunnerView } from './views/runner.js';
import { SessionView } from './views/session.js';
import { Wall } from './views/wall.js';

export type Route =
  | { view: 'wall' }
  | { view: 'new' }
  | { view: 'accounts' }
  | { view: 'session'; session: string }
  | { view: 'runner'; session: string };

/** `#/`, `#/new`, `#/accounts`, `#/session/<id>`, `#/runner/<id>` (hash routes: any static host serves them). */
export function parseRoute(hash: string): Route {
  if (/^#\/new\/?$/.test(hash)) return { view: 'new' };
  if (/^#\/accounts\/?$/.test(hash)) return { view: 'accounts' };
  const m = /^#\/(session|runner)\/([^/?#]+)/.exec(hash);
  if (!m) return { view: 'wall' };
  return { view: m[1] as 'session' | 'runner', session: decodeURIComponent(m[2]!) };
}

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

/** Re-render at most once per animation frame, however many updates arrive. */
function useLiveFrames(client: LiveClient): void {
  const [, setTick] = useState(0);
  useEffect(() => {
    let queued = false;
    return client.subscribe(() => {
      if (queued) return;
      queued = true;
      requestAnimationFrame(() => {
        queued = false;
        setTick((n) => n + 1);
      });
    });
  }, [client]);
}

export function App({ client, me, onSignOut }: { client: LiveClient; me: MeDto; onSignOut: () => void }) {
  const route = useRoute();
  useLiveFrames(client);
  const signOut = () => {
    api.logout().then(onSignOut, onSignOut);
  };
  return (
    <div class="app">
      {me.demo ? (
        <div class="demo-banner" data-testid="demo-banner" role="status">
          DEMO — simulated data
        </div>
      ) : null}
      <nav class="top">
        <a href="#/" class="brand">
          hamstream
        </a>
        {route.view !== 'wall' ? (
          <a href="#/" class="back">
            ← wall
          </a>
        ) : (
          <span class="count">{client.wall.size} live</span>
        )}
        {me.role !== 'runner' && !me.demo && route.view !== 'new' ? (
          <a href="#/new" class="new-session-link" data-testid="new-session-link">
            + New session
          </a>
        ) : null}
        {me.role === 'admin' && !me.demo && route.view !== 'accounts' ? (
          <a href="#/accounts" class="new-session-link" data-testid="accounts-link">
            Accounts
          </a>
        ) : null}
        <span class={`conn ${client.connected ? 'ok' : 'bad'}`} data-testid="connection">
          {client.connected ? 'live' : 'reconnecting…'}
        </span>
        <span class="who" data-testid="account">
          {me.id}
        </span>
        <button type="button" class="sign-out" onClick={signOut}>
          Sign out
        </button>
      </nav>
      {route.view === 'wall' ? <Wall client={client} /> : null}
      {route.view === 'new' ? <NewSession /> : null}
      {route.view === 'accounts' ? <Accounts me={me.id} /> : null}
      {route.view === 'session' ? (
        <SessionView key={route.session} client={client} session={route.session} />
      ) : null}
      {route.view === 'runner' ? (
        <RunnerView key={route.session} client={client} session={route.session} />
      ) : null}
    </div>
  );
}
