import type {
  ChangeStatus,
  ProgressPointDto,
  ProgressSeriesDto,
  SubjectHistoryDto,
} from '@hamstream/protocol';

/**
 * Subject history as the server answers it (`GET /api/subjects/:id/history`, its contract in
 * @hamstream/protocol), and its reduction to the history panel's charts.
 */
export type { ChangeStatus, ProgressPointDto, ProgressSeriesDto, SubjectHistoryDto };

export interface HistoryLine {
  label: string;
  /** One value per session of the chart (null: not measured in that session). */
  values: (number | null)[];
  /** The newest measured point's change against the baseline. */
  latest: ProgressPointDto | null;
}

export interface HistoryChart {
  key: string;
  title: string;
  unit: string;
  /** Session start times, seconds since the epoch (the x axis), oldest first. */
  xS: number[];
  sessions: string[];
  lines: HistoryLine[];
  /** MDC note shown under the chart. */
  mdcNote: string;
}

const CHANGE_TEXT: Record<ChangeStatus, string> = {
  baseline: 'baseline',
  'no-real-change': 'no real change',
  improved: 'improved',
  worsened: 'worsened',
  increased: 'increased',
  decreased: 'decreased',
};

/** What a change flag says, in words ("no real change" below the minimal detectable change). */
export function changeText(status: ChangeStatus): string {
  return CHANGE_TEXT[status];
}

/** good / bad / neutral colouring of a flag. */
export function changeTone(status: ChangeStatus): 'ok' | 'bad' | null {
  return status === 'improved' ? 'ok' : status === 'worsened' ? 'bad' : null;
}

function seriesLabel(s: ProgressSeriesDto): string {
  return [s.activity?.replace(/-/g, ' '), s.side].filter(Boolean).join(' · ') || s.metric;
}

function mdcNote(h: SubjectHistoryDto, metric: string): string {
  const m = h.mdc[metric];
  if (!m) return '';
  const v = m.relative ? `${m.value} % of baseline` : `${m.value} ${m.unit}`;
  return `changes under ${v} (minimal detectable change${m.assumption ? ', assumed' : ''}) count as no real change`;
}

function chart(
  h: SubjectHistoryDto,
  key: string,
  title: string,
  metric: string,
  series: readonly ProgressSeriesDto[],
): HistoryChart | null {
  if (series.length === 0) return null;
  const used = h.sessions.filter((s) => series.some((x) => x.points.some((p) => p.session === s.session)));
  return {
    key,
    title,
    unit: series[0]!.unit,
    xS: used.map((s) => Date.parse(s.startedAt) / 1000),
    sessions: used.map((s) => s.session),
    lines: series.map((s) => ({
      label: seriesLabel(s),
      values: used.map((u) => s.points.find((p) => p.session === u.session)?.value ?? null),
      latest: s.points.at(-1) ?? null,
    })),
    mdcNote: mdcNote(h, metric),
  };
}

/** The panel's charts, only those with data: ROM per exercise, peak force, asymmetry, Nordic break, cadence. */
export function historyCharts(h: SubjectHistoryDto): HistoryChart[] {
  return [
    chart(h, 'rom', 'ROM per exercise', 'romDeg', h.rom),
    chart(h, 'force', 'Peak force', 'peakForceN', h.peakForce),
    chart(h, 'asym', 'Left/right asymmetry (peak force)', 'asymmetryPct', h.asymmetry),
    chart(h, 'break', 'Nordic break angle', 'breakDeg', h.nordicBreak),
    chart(h, 'cadence', 'Running cadence', 'cadenceSpm', h.cadence ? [h.cadence] : []),
  ].filter((c): c is HistoryChart => c !== null);
}
