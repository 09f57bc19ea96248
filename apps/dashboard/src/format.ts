import type { DeviceLiveStatus, LiveAlert } from '@hamstream/protocol';

const DASH = '–';

export function fmtNumber(v: number | null | undefined, digits = 0): string {
  return v === null || v === undefined || !Number.isFinite(v) ? DASH : v.toFixed(digits);
}

/**
 * Cadence for display: below 60 steps/min nobody is running (the estimator's first seconds, or a
 * stop), so a dash rather than a misleading number.
 */
export function fmtCadence(spm: number | null | undefined): string {
  return spm === null || spm === undefined || !(spm >= 60) ? DASH : spm.toFixed(0);
}

/** +5.2 % / −3.0 % (a real minus sign, readable from across the room). */
export function fmtSignedPct(v: number | null | undefined, digits = 1): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  const s = Math.abs(v).toFixed(digits);
  if (Number(s) === 0) return `±${s} %`;
  return `${v > 0 ? '+' : '−'}${s} %`;
}

/** m:ss */
export function fmtDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return DASH;
  const s = Math.floor(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export function fmtActivity(activity: string | null, side: string | null): string {
  if (!activity) return 'rest';
  const name = activity.replace(/-/g, ' ');
  return side && side !== 'center' ? `${name} · ${side}` : name;
}

export function alertText(a: LiveAlert): string {
  switch (a.kind) {
    case 'rom-below-target':
      return `ROM ${a.romDeg.toFixed(0)}° < target ${a.targetDeg.toFixed(0)}°`;
    case 'asymmetry':
      return `asymmetry ${a.asymmetryPct.toFixed(0)} % (${a.metric === 'peakForceN' ? 'force' : 'ROM'})`;
    case 'sensor-lost':
      return `sensor ${a.device} lost`;
  }
}

/** Traffic-light state of a sensor chip. */
export function sensorLevel(d: DeviceLiveStatus): 'ok' | 'warn' | 'bad' {
  if (d.lost || !d.connected) return 'bad';
  if ((d.batteryPct !== null && d.batteryPct < 20) || (d.packetLossPct !== null && d.packetLossPct >= 5))
    return 'warn';
  return 'ok';
}

export function sensorText(d: DeviceLiveStatus): string {
  const parts = [d.device];
  if (!d.connected) parts.push('disconnected');
  else if (d.lost) parts.push('no data');
  if (d.batteryPct !== null) parts.push(`batt ${d.batteryPct.toFixed(0)} %`);
  if (d.packetLossPct !== null && d.packetLossPct >= 0.5) parts.push(`loss ${d.packetLossPct.toFixed(1)} %`);
  return parts.join(' · ');
}
