/**
 * Minimal detectable change (MDC95) per progress metric: a change smaller than this is within
 * measurement error and is shown as "no real change". Values, their sources and which are
 * assumptions are listed here and in README.md ("Change flags"). MDC95 = 1.96 · √2 · SEM; where
 * a study reports a coefficient of variation (CV, typical error in %) we use 1.96 · √2 · CV ≈ 2.77 · CV.
 */
export type ProgressMetric = 'romDeg' | 'peakForceN' | 'asymmetryPct' | 'breakDeg' | 'cadenceSpm';

export interface MdcDef {
  /** The threshold: degrees / percentage points / steps per minute, or % of the baseline when `relative`. */
  value: number;
  relative: boolean;
  unit: string;
  /** Which direction is an improvement; `neutral` flags only increase/decrease. */
  better: 'higher' | 'lower' | 'neutral';
  source: string;
  /** True when no published MDC fits our measurement and the value is our reasoned choice. */
  assumption: boolean;
}

export const MDC: Readonly<Record<ProgressMetric, MdcDef>> = {
  romDeg: {
    value: 5,
    relative: false,
    unit: 'deg',
    better: 'higher',
    source:
      'Test–retest MDC95 of knee ROM of 2.6–5.4° for inclinometer, smartphone app and universal goniometer ' +
      '(ACL patients, n = 92; "Inclinometers and Apps Are Better than Goniometers…", Thieme, DOI 10.1055/a-2321-0516). ' +
      'We take the upper end, 5°, because an IMU segment inclination behaves like an inclinometer reading but strap ' +
      'placement varies between sessions (assumed comparable, not separately validated).',
    assumption: false,
  },
  peakForceN: {
    value: 20,
    relative: true,
    unit: '% of baseline',
    better: 'higher',
    source:
      'Between-session CV 7.2–9.3% for isometric hamstring strength on a fixed portable dynamometer (Mellemkjær et al., ' +
      'Appl. Sci. 2024, 14(3), 958) → MDC95 ≈ 2.77 · CV ≈ 20–26%; we use the lower end, 20%. Consistent with 24% ' +
      'intra-rater MDC for frame-anchored hand-held dynamometry of the knee extensors (Lee et al., Ann Rehabil Med 2020;44(6)).',
    assumption: false,
  },
  asymmetryPct: {
    value: 10,
    relative: false,
    unit: 'percentage points',
    better: 'lower',
    source:
      'ASSUMPTION: no published MDC for inter-limb asymmetry of isometric hamstring force found. Two limbs each carrying ' +
      '~8% CV give an asymmetry error of several percentage points; we use 10 points, which also matches the between-limb ' +
      'difference clinicians commonly treat as relevant.',
    assumption: true,
  },
  breakDeg: {
    value: 5,
    relative: false,
    unit: 'deg',
    better: 'higher',
    source:
      'ASSUMPTION: no reliability study of an IMU-detected Nordic break angle found; uses the ROM value (5°, same sensor ' +
      'and angle). A later break (larger thigh inclination) is counted as better eccentric control.',
    assumption: true,
  },
  cadenceSpm: {
    value: 3,
    relative: false,
    unit: 'steps/min',
    better: 'neutral',
    source:
      'ASSUMPTION: no published MDC for sensor running cadence between sessions found. Steady-state estimation error is ' +
      '≤ 1 step/min (project accuracy goal) and day-to-day variation at the same speed is typically ~1–2%; 3 steps/min ' +
      '(≈ 2% of 160) is used. A cadence retraining target (+5% ≈ 8 steps/min) is well above it.',
    assumption: true,
  },
};

export type ChangeStatus =
  | 'baseline'
  | 'no-real-change'
  | 'improved'
  | 'worsened'
  | 'increased'
  | 'decreased';

export interface ChangeFlag {
  status: ChangeStatus;
  /** value − baseline, in the metric's unit. */
  delta: number;
  /** (value − baseline) / baseline · 100, null for a zero baseline. */
  deltaPct: number | null;
  /** The threshold actually applied, in the metric's unit (relative MDCs are converted with the baseline). */
  mdc: number;
}

/** Compares a value with its baseline, respecting the metric's MDC. */
export function changeFlag(
  metric: ProgressMetric,
  baseline: number,
  value: number,
  isBaseline = false,
): ChangeFlag {
  const def = MDC[metric];
  const delta = value - baseline;
  const deltaPct = baseline !== 0 ? (100 * delta) / Math.abs(baseline) : null;
  const mdc = def.relative ? (def.value / 100) * Math.abs(baseline) : def.value;
  let status: ChangeStatus;
  if (isBaseline) status = 'baseline';
  else if (Math.abs(delta) < mdc) status = 'no-real-change';
  else if (def.better === 'neutral') status = delta > 0 ? 'increased' : 'decreased';
  else status = delta > 0 === (def.better === 'higher') ? 'improved' : 'worsened';
  return { status, delta, deltaPct, mdc };
}
