import type { MeDto } from '@hamstream/protocol';
import { useId, useState } from 'preact/hooks';
import { api } from '../api.js';

/** One labelled input of the sign-in forms (required; the browser checks minLength before submitting). */
function Field(props: {
  label: string;
  value: string;
  onValue: (value: string) => void;
  autocomplete: string;
  secret?: boolean;
  name?: string;
  minLength?: number;
}) {
  const id = useId();
  const common = {
    id,
    name: props.name,
    autocomplete: props.autocomplete,
    minLength: props.minLength,
    value: props.value,
    onInput: (e: { currentTarget: HTMLInputElement }) => props.onValue(e.currentTarget.value),
    required: true,
  };
  return (
    <label for={id}>
      {props.label}
      {props.secret ? <input type="password" {...common} /> : <input type="text" {...common} />}
    </label>
  );
}

/** The server's (or the form's own) reason, announced to screen readers. */
function FormError({ error }: { error: string | null }) {
  return error ? (
    <p class="auth-error" role="alert">
      {error}
    </p>
  ) : null;
}

/** Runs a form's request with a busy flag (no double submit) and its error as text. */
function useSubmit(): {
  busy: boolean;
  error: string | null;
  setError: (e: string | null) => void;
  run: (request: () => Promise<void>, onError?: () => void) => Promise<void>;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (request: () => Promise<void>, onError?: () => void) => {
    setBusy(true);
    setError(null);
    try {
      await request();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      onError?.();
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}

/** The sign-in form: user name and password; the server sets the HttpOnly session cookie. */
export function SignIn({ onSignedIn }: { onSignedIn: (me: MeDto) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useSubmit();
  const submit = (e: Event) => {
    e.preventDefault();
    void run(
      async () => onSignedIn((await api.login(username, password)).account),
      () => setPassword(''),
    );
  };
  return (
    <form class="auth" onSubmit={submit} data-testid="sign-in">
      <h1 class="brand">hamstream</h1>
      <Field
        label="User name"
        name="username"
        autocomplete="username"
        value={username}
        onValue={setUsername}
      />
      <Field
        label="Password"
        name="password"
        secret
        autocomplete="current-password"
        value={password}
        onValue={setPassword}
      />
      <FormError error={error} />
      <button class="primary" type="submit" disabled={busy}>
        Sign in
      </button>
    </form>
  );
}

/** After a one-time password: the server answers nothing else until it is changed. */
export function ChangePassword({ me, onChanged }: { me: MeDto; onChanged: (me: MeDto) => void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const { busy, error, setError, run } = useSubmit();
  const submit = (e: Event) => {
    e.preventDefault();
    if (next !== again) {
      setError('the new passwords differ');
      return;
    }
    void run(async () => onChanged(await api.changePassword(current, next)));
  };
  return (
    <form class="auth" onSubmit={submit} data-testid="change-password">
      <h1 class="brand">hamstream</h1>
      <p>
        Signed in as <strong>{me.id}</strong> with a one-time password: choose your own (12 characters or
        more; a few words make a good one).
      </p>
      {/* For password managers: which account the new password belongs to. */}
      <input type="text" name="username" autocomplete="username" value={me.id} readOnly hidden />
      <Field
        label="One-time password"
        secret
        autocomplete="current-password"
        value={current}
        onValue={setCurrent}
      />
      <Field
        label="New password"
        secret
        autocomplete="new-password"
        minLength={12}
        value={next}
        onValue={setNext}
      />
      <Field
        label="New password again"
        secret
        autocomplete="new-password"
        minLength={12}
        value={again}
        onValue={setAgain}
      />
      <FormError error={error} />
      <button class="primary" type="submit" disabled={busy}>
        Save password
      </button>
    </form>
  );
}
