import type { AccuracyRow } from '@hamstream/engine';
import type { EvaluationReport } from './evaluate-dir.js';
import { fmt, table } from './format-analysis.js';

const pct = (v: number | null): string => (v === null ? '–' : `${v.toFixed(1)}%`);

function row(r: AccuracyRow): string[] {
  return [
    r.activity,
    r.driver,
    String(r.recordings),
    String(r.sets),
    r.sets > 0 ? `${r.exactSets}/${r.sets}` : '–',
    pct(r.exactPct),
    pct(r.withinOnePct),
    fmt(r.romMaeDeg, 2),
    String(r.romReps),
    fmt(r.peakForceErrPct, 2),
    String(r.forceReps),
    fmt(r.cadenceMaeSpm, 2),
    String(r.cadencePoints),
    fmt(r.stepTotalErrPct, 1),
  ];
}

/** One accuracy table: a row per activity × driver and a total row. */
export function formatEvaluation(report: EvaluationReport): string {
  const headers = [
    'activity',
    'driver',
    'recs',
    'sets',
    'exact',
    'exact %',
    '±1 %',
    'ROM MAE°',
    'reps',
    'peak N err %',
    'efforts',
    'cadence MAE spm',
    'points',
    'steps err %',
  ];
  const lines = [
    `Accuracy: ${report.source} — ${report.recordings.length} labelled recording(s)`,
    table(headers, [...report.rows.map(row), row(report.overall)]),
    '',
  ];
  const misses = report.recordings.flatMap((rec) =>
    rec.sets
      .filter((s) => !s.exact && (s.labelRepCount > 0 || s.detectedRepCount > 0))
      .map(
        (s) =>
          `  ${rec.recording}: ${s.device} ${s.startS.toFixed(1)}–${s.endS.toFixed(1)} s: ${s.detectedRepCount} reps, labelled ${s.labelRepCount}`,
      ),
  );
  if (misses.length > 0) lines.push('Sets with another rep count:', ...misses, '');
  return `${lines.join('\n')}\n`;
}
