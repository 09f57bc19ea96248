import type { StoredSession } from '../local-store.js';
import { isForceDevice } from '../schema.js';

/** Columns of the per-rep CSV, in order (README.md documents them). */
export const REP_CSV_COLUMNS = [
  'session',
  'subject',
  'set_index',
  'device',
  'placement',
  'activity',
  'side',
  'rep_index',
  'rep_start_time',
  'start_s',
  'end_s',
  'duration_s',
  'rom_deg',
  'peak_deg',
  'concentric_s',
  'eccentric_s',
  'hold_s',
  'peak_force_n',
  'break_deg',
  'rfd_100_n_per_s',
  'rfd_200_n_per_s',
  'impulse_n_s',
] as const;

type Cell = string | number | null | undefined;

/** RFC 4180 field: quoted when it contains a comma, quote or line break. */
export function csvField(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** One row per rep (and per force effort) of the session, RFC 4180 (CRLF line ends), header first. */
export function sessionToCsv(s: StoredSession): string {
  const rows: string[] = [REP_CSV_COLUMNS.join(',')];
  s.analysis.sets.forEach((set, setIndex) => {
    const device = s.devices.find((d) => d.id === set.device);
    const force = isForceDevice(device);
    set.reps.forEach((rep, repIndex) => {
      const row: Record<(typeof REP_CSV_COLUMNS)[number], Cell> = {
        session: s.session,
        subject: s.subject,
        set_index: setIndex,
        device: set.device,
        placement: device?.placement,
        activity: set.activity,
        side: set.side ?? device?.side,
        rep_index: repIndex,
        rep_start_time: new Date(s.startedAtMs + rep.startS * 1000).toISOString(),
        start_s: rep.startS,
        end_s: rep.endS,
        duration_s: Math.round((rep.endS - rep.startS) * 1000) / 1000,
        rom_deg: force ? null : rep.romDeg,
        peak_deg: force ? null : rep.peakDeg,
        concentric_s: rep.concentricS,
        eccentric_s: rep.eccentricS,
        hold_s: rep.holdS,
        peak_force_n: rep.peakForceN,
        break_deg: rep.breakDeg,
        rfd_100_n_per_s: rep.rfd100NPerS,
        rfd_200_n_per_s: rep.rfd200NPerS,
        impulse_n_s: rep.impulseNs,
      };
      rows.push(REP_CSV_COLUMNS.map((c) => csvField(row[c])).join(','));
    });
  });
  return `${rows.join('\r\n')}\r\n`;
}
