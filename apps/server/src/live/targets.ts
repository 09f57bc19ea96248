import type { CadenceTarget, TargetsDto } from '@hamstream/protocol';

/** Used when neither the subject nor `default` has targets: no ROM targets, cadence +5 % ± 2 %. */
export const BUILTIN_TARGETS: TargetsDto = {
  subject: 'default',
  romDeg: {},
  cadence: { baselineSpm: null, changePct: 5, tolerancePct: 2 },
};

/** Targets that apply to a subject: its own, else `default`, else the built-in ones. */
export function resolveTargets(
  subject: string | null,
  lookup: (subject: string) => TargetsDto | null,
): TargetsDto {
  return (subject ? lookup(subject) : null) ?? lookup('default') ?? BUILTIN_TARGETS;
}

export interface CadenceBand {
  baselineSpm: number;
  targetSpm: number;
  lowSpm: number;
  highSpm: number;
}

/** baseline × (1 + (change ± tolerance)/100): 160 spm at +5 % ± 2 % → target 168, band 164.8…171.2. */
export function cadenceBand(target: CadenceTarget, baselineSpm: number): CadenceBand {
  return {
    baselineSpm,
    targetSpm: baselineSpm * (1 + target.changePct / 100),
    lowSpm: baselineSpm * (1 + (target.changePct - target.tolerancePct) / 100),
    highSpm: baselineSpm * (1 + (target.changePct + target.tolerancePct) / 100),
  };
}
