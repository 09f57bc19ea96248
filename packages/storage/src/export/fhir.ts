import { createHash } from 'node:crypto';
import type { SetResult, Side } from '@hamstream/core';
import type { StoredSession } from '../local-store.js';
import { isForceDevice } from '../schema.js';

/**
 * A FHIR R4 Bundle (type `collection`) of Observations for one session: a Patient carrying only the
 * pseudonymous subject id, and Observations for ROM per exercise and side, peak force per side,
 * force asymmetry, the Nordic break angle and running cadence.
 *
 * Codes: LOINC is used only where a code matches what we measure — the knee flexion active range of
 * motion codes 41343-5 (left) and 41347-6 (right), for hamstring curls measured on the shank (the
 * thigh rests on the bench, so shank inclination ROM is knee flexion ROM). Those two codes were taken
 * from a published FHIR app (Boston Children's Hospital SMART Markers, RangeOfMotionObservation.swift)
 * and pass LOINC's mod-10 check digit; verify them against loinc.org before clinical use. Every other
 * observation has a text-only code (no LOINC code for IMU segment-inclination ROM, isometric
 * hamstring force, Nordic break angle or running cadence was found, and none is invented).
 * Units are UCUM (`deg`, `N`, `/min`, `%`) with system http://unitsofmeasure.org.
 * Identifiers are name-based UUIDs of the session and item, so exporting twice gives the same Bundle.
 */
export type FhirResource = FhirPatient | FhirObservation;

export interface FhirCoding {
  system: string;
  code: string;
  display?: string;
}
export interface FhirCodeableConcept {
  coding?: FhirCoding[];
  text: string;
}
export interface FhirQuantity {
  value: number;
  unit: string;
  system: 'http://unitsofmeasure.org';
  code: string;
}
export interface FhirPatient {
  resourceType: 'Patient';
  id: string;
  identifier: { value: string }[];
}
export interface FhirObservation {
  resourceType: 'Observation';
  id: string;
  status: 'final';
  category: FhirCodeableConcept[];
  code: FhirCodeableConcept;
  subject: { reference: string };
  effectiveDateTime: string;
  valueQuantity: FhirQuantity;
  bodySite?: FhirCodeableConcept;
  method?: FhirCodeableConcept;
  note?: { text: string }[];
  component?: { code: FhirCodeableConcept; valueQuantity: FhirQuantity }[];
}
export interface FhirBundle {
  resourceType: 'Bundle';
  id: string;
  type: 'collection';
  timestamp: string;
  entry: { fullUrl: string; resource: FhirResource }[];
}

export const LOINC = 'http://loinc.org';
export const UCUM = 'http://unitsofmeasure.org';
export const OBSERVATION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';

/** Knee flexion active ROM (see the note above about their provenance). */
export const LOINC_KNEE_FLEXION_ACTIVE_ROM: Readonly<Record<'left' | 'right', string>> = {
  left: '41343-5',
  right: '41347-6',
};

/** LOINC's mod-10 check digit (loinc.org "Calculating Mod 10 check digits"). */
export function loincCheckDigitOk(code: string): boolean {
  const m = /^(\d+)-(\d)$/.exec(code);
  if (!m) return false;
  const digits = (m[1] as string).split('').reverse();
  const odd = digits
    .filter((_, k) => k % 2 === 0)
    .reverse()
    .join('');
  const even = digits
    .filter((_, k) => k % 2 === 1)
    .reverse()
    .join('');
  const joined = `${even}${String(Number(odd) * 2)}`;
  const sum = joined.split('').reduce((a, d) => a + Number(d), 0);
  return (10 - (sum % 10)) % 10 === Number(m[2]);
}

/** Name-based UUID (SHA-1, version 5 layout) so exports are reproducible. */
export function stableUuid(name: string): string {
  const h = createHash('sha1').update(`hamstream:${name}`).digest();
  h[6] = ((h[6] as number) & 0x0f) | 0x50;
  h[8] = ((h[8] as number) & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

const round = (v: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
};
const qty = (value: number, code: 'deg' | 'N' | '/min' | '%', digits = 1): FhirQuantity => ({
  value: round(value, digits),
  unit:
    code === 'deg' ? 'degree' : code === 'N' ? 'newton' : code === '/min' ? 'steps per minute' : 'percent',
  system: UCUM,
  code,
});
const ACTIVITY_CATEGORY: FhirCodeableConcept[] = [
  { coding: [{ system: OBSERVATION_CATEGORY, code: 'activity', display: 'Activity' }], text: 'Activity' },
];
const label = (activity: string): string => activity.replace(/-/g, ' ');
const sideText = (side: Side | null | undefined): string =>
  side === 'left' || side === 'right' ? side : 'both';
const iso = (ms: number): string => new Date(Math.round(ms)).toISOString();

export function sessionToFhirBundle(s: StoredSession): FhirBundle {
  const patientId = stableUuid(`subject:${s.subject}`);
  const entries: FhirBundle['entry'] = [
    {
      fullUrl: `urn:uuid:${patientId}`,
      resource: { resourceType: 'Patient', id: patientId, identifier: [{ value: s.subject }] },
    },
  ];
  const subject = { reference: `urn:uuid:${patientId}` };
  const add = (
    key: string,
    o: Omit<FhirObservation, 'resourceType' | 'id' | 'status' | 'category' | 'subject'>,
  ) => {
    const id = stableUuid(`${s.session}:${key}`);
    entries.push({
      fullUrl: `urn:uuid:${id}`,
      resource: {
        resourceType: 'Observation',
        id,
        status: 'final',
        category: ACTIVITY_CATEGORY,
        subject,
        ...o,
      },
    });
  };
  const at = (set: SetResult) => iso(s.startedAtMs + set.startS * 1000);

  s.analysis.sets.forEach((set, k) => {
    const device = s.devices.find((d) => d.id === set.device);
    const side = set.side ?? device?.side ?? null;
    if (isForceDevice(device)) {
      const peaks = set.reps.map((r) => r.peakForceN).filter((v): v is number => v !== null);
      if (peaks.length === 0) return;
      add(`set:${k}:force`, {
        code: {
          text: `${set.activity === 'isometric-hamstring' ? 'Peak isometric force' : 'Peak force'}, ${label(set.activity)}, ${sideText(side)}`,
        },
        effectiveDateTime: at(set),
        valueQuantity: qty(Math.max(...peaks), 'N'),
        method: { text: `force gauge (${device?.driver ?? 'unknown'}), best of ${peaks.length} efforts` },
      });
      return;
    }
    const roms = set.reps.map((r) => r.romDeg).filter((v): v is number => v !== null);
    if (roms.length > 0) {
      const knee =
        (set.activity === 'prone-hamstring-curl' || set.activity === 'standing-hamstring-curl') &&
        device?.placement === 'shank' &&
        (side === 'left' || side === 'right');
      const text = knee
        ? `Knee flexion active range of motion, ${side}, ${label(set.activity)}`
        : `Range of motion of the ${device?.placement ?? ''} segment, ${label(set.activity)}, ${sideText(side)}`;
      add(`set:${k}:rom`, {
        code: knee
          ? { coding: [{ system: LOINC, code: LOINC_KNEE_FLEXION_ACTIVE_ROM[side] }], text }
          : { text },
        effectiveDateTime: at(set),
        valueQuantity: qty(Math.max(...roms), 'deg'),
        ...(side === 'left' || side === 'right' ? { bodySite: { text: `${side} knee` } } : {}),
        method: {
          text: `IMU segment inclination (${device?.driver ?? 'unknown'} on ${device?.placement ?? '?'})`,
        },
        component: [
          {
            code: { text: `Mean range of motion over ${roms.length} repetitions` },
            valueQuantity: qty(roms.reduce((a, b) => a + b, 0) / roms.length, 'deg'),
          },
        ],
        note: [{ text: 'Value: largest ROM of the set; component: mean over the repetitions.' }],
      });
    }
    const breaks = set.reps.map((r) => r.breakDeg).filter((v): v is number => v !== null && v !== undefined);
    if (set.activity === 'nordic-curl' && breaks.length > 0) {
      add(`set:${k}:break`, {
        code: { text: 'Nordic hamstring curl break angle (thigh inclination)' },
        effectiveDateTime: at(set),
        valueQuantity: qty(breaks.reduce((a, b) => a + b, 0) / breaks.length, 'deg'),
        method: { text: 'IMU: angle where the controlled lowering speeds up by more than 10 deg/s' },
        note: [{ text: `Mean over ${breaks.length} repetitions.` }],
      });
    }
  });
  for (const a of s.analysis.asymmetry ?? []) {
    add(`asymmetry:${a.activity}:${a.metric}`, {
      code: {
        text: `Left/right asymmetry of ${a.metric === 'peakForceN' ? 'peak force' : 'range of motion'}, ${label(a.activity)}`,
      },
      effectiveDateTime: s.startedAt,
      valueQuantity: qty(a.asymmetryPct, '%'),
      note: [{ text: '(stronger − weaker) / stronger; 15% and 20% are the usual flag levels.' }],
    });
  }
  const spm = s.analysis.cadence.map((c) => c.spm).filter((v) => v > 0);
  const firstCadence = s.analysis.cadence[0];
  if (firstCadence && spm.length > 0) {
    add('cadence', {
      code: { text: 'Running cadence (steps per minute, both feet)' },
      effectiveDateTime: iso(s.startedAtMs + firstCadence.tS * 1000),
      valueQuantity: qty(spm.reduce((a, b) => a + b, 0) / spm.length, '/min'),
      note: [{ text: `Mean of ${spm.length} per-second estimates.` }],
    });
  }
  return {
    resourceType: 'Bundle',
    id: stableUuid(`bundle:${s.session}`),
    type: 'collection',
    timestamp: iso(s.startedAtMs + s.analysis.recording.durationS * 1000),
    entry: entries,
  };
}
