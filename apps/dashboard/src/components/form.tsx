import { useId, useState } from 'preact/hooks';

/** One labelled input (required unless `optional`; the browser checks minLength/pattern before submitting). */
export function Field(props: {
  label: string;
  value: string;
  onValue: (value: string) => void;
  autocomplete: string;
  secret?: boolean;
  name?: string;
  minLength?: number;
  optional?: boolean;
  pattern?: string;
  placeholder?: string;
  list?: string;
  hint?: string;
}) {
  const id = useId();
  const common = {
    id,
    name: props.name,
    autocomplete: props.autocomplete,
    minLength: props.minLength,
    pattern: props.pattern,
    placeholder: props.placeholder,
    list: props.list,
    title: props.hint,
    value: props.value,
    onInput: (e: { currentTarget: HTMLInputElement }) => props.onValue(e.currentTarget.value),
    required: !props.optional,
  };
  return (
    <label for={id}>
      {props.label}
      {props.secret ? <input type="password" {...common} /> : <input type="text" {...common} />}
    </label>
  );
}

/** The server's (or the form's own) reason, announced to screen readers. */
export function FormError({ error }: { error: string | null }) {
  return error ? (
    <p class="auth-error" role="alert">
      {error}
    </p>
  ) : null;
}

/** Runs a form's request with a busy flag (no double submit) and its error as text. */
export function useSubmit(): {
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
