import type { MeDto } from '@hamstream/protocol';
import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, onSignedOut } from './api.js';
import { App } from './app.js';
import { LiveClient } from './live-client.js';
import { ChangePassword, SignIn } from './views/sign-in.js';
import './styles.css';

/** Signed in: one live socket for the page, closed when the sign-in ends. */
function SignedIn({ me, onSignOut }: { me: MeDto; onSignOut: () => void }) {
  const client = useMemo(() => new LiveClient(), []);
  client.onSignedOut = onSignOut;
  useEffect(() => () => client.close(), [client]);
  return <App client={client} me={me} onSignOut={onSignOut} />;
}

function Root({ initial }: { initial: MeDto | null }) {
  const [me, setMe] = useState<MeDto | null>(initial);
  useEffect(() => onSignedOut(() => setMe(null)), []);
  if (!me) return <SignIn onSignedIn={setMe} />;
  if (me.mustChangePassword) return <ChangePassword me={me} onChanged={setMe} />;
  return <SignedIn key={me.id} me={me} onSignOut={() => setMe(null)} />;
}

/**
 * The demo link (`?demo=<key>`, printed by `hamstream start --demo`) signs this browser in as the demo
 * user; the key is then removed from the address bar (and so from history and bookmarks).
 */
async function start(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const demoKey = params.get('demo');
  let me: MeDto | null = null;
  if (demoKey) {
    params.delete('demo');
    const rest = params.toString();
    history.replaceState(null, '', `${location.pathname}${rest ? `?${rest}` : ''}${location.hash}`);
    me = await api.demoLogin(demoKey).then(
      (r) => r.account,
      () => null,
    );
  }
  me ??= await api.me().catch(() => null);
  render(<Root initial={me} />, document.getElementById('app')!);
}

void start();
