import type { DeviceLiveStatus, LiveAlert } from '@hamstream/protocol';
import { alertText, sensorLevel, sensorText } from '../format.js';

export function SensorChips({ devices }: { devices: DeviceLiveStatus[] }) {
  return (
    <div class="chips" data-testid="sensors">
      {devices.map((d) => (
        <span
          class={`chip ${sensorLevel(d)}`}
          key={d.device}
          title={`${d.driver} on ${d.side} ${d.placement}`}
        >
          <span class="dot" />
          {sensorText(d)}
        </span>
      ))}
    </div>
  );
}

export function Alerts({ alerts }: { alerts: LiveAlert[] }) {
  if (alerts.length === 0) return null;
  return (
    <ul class="alerts" data-testid="alerts">
      {alerts.map((a) => (
        <li key={`${a.kind}:${'device' in a ? a.device : a.activity}`}>⚠ {alertText(a)}</li>
      ))}
    </ul>
  );
}

export function Stat(props: {
  label: string;
  value: string;
  testId?: string;
  unit?: string;
  tone?: 'ok' | 'bad' | null;
  big?: boolean;
  compact?: boolean;
}) {
  return (
    <div class={`stat ${props.big ? 'big' : ''} ${props.compact ? 'compact' : ''} ${props.tone ?? ''}`}>
      <div class="value">
        <span data-testid={props.testId}>{props.value}</span>
        {props.unit ? <span class={props.unit === '°' ? 'deg' : 'unit'}>{props.unit}</span> : null}
      </div>
      <div class="label">{props.label}</div>
    </div>
  );
}
