import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AnalyzeOutput, DeviceInfo, RepResult, SetResult } from '@hamstream/core';

/**
 * A small, deterministic synthetic session (what `hamstream analyze` would print for a clinic visit:
 * prone hamstring curls left and right, Nordic curls, isometric force tests both sides and a short
 * run). Used by the tests, the benchmark and the docs' examples; the numbers are made up but
 * plausible, and parameterised so a test can build a progression over weeks.
 */
export interface SyntheticSessionOptions {
  subject?: string;
  session?: string;
  startedAt?: string;
  /** Mean ROM of the curls, degrees. */
  romDeg?: number;
  /** Peak isometric force, left and right, N. */
  forceLeftN?: number;
  forceRightN?: number;
  /** Nordic break angle, degrees. */
  breakDeg?: number;
  /** Steady running cadence, steps/min. */
  cadenceSpm?: number;
  /** Seconds of running (one cadence point per second). */
  runS?: number;
}

export interface SyntheticSession {
  subject: string;
  session: string;
  startedAt: string;
  devices: DeviceInfo[];
  output: AnalyzeOutput;
}

export const SYNTHETIC_DEVICES: DeviceInfo[] = [
  { id: 'L-shank', driver: 'witmotion-wt901', placement: 'shank', side: 'left', config: { rateHz: 100 } },
  { id: 'R-shank', driver: 'witmotion-wt901', placement: 'shank', side: 'right', config: { rateHz: 100 } },
  { id: 'thigh', driver: 'witmotion-wt901', placement: 'thigh', side: 'left', config: { rateHz: 100 } },
  { id: 'gauge', driver: 'tindeq-progressor', placement: 'handle', side: 'center', config: { rateHz: 80 } },
];

const r3 = (x: number): number => Math.round(x * 1000) / 1000;

function curlReps(startS: number, count: number, romDeg: number, jitter: number): RepResult[] {
  return Array.from({ length: count }, (_, k) => {
    const s = startS + 3 * k;
    const rom = r3(romDeg + jitter * Math.sin(k * 1.7));
    return {
      startS: r3(s),
      endS: r3(s + 2.5),
      romDeg: rom,
      peakDeg: r3(rom + 4),
      concentricS: 1.1,
      eccentricS: 1.2,
      holdS: 0.2,
      peakForceN: null,
    };
  });
}

export function syntheticSession(options: SyntheticSessionOptions = {}): SyntheticSession {
  const subject = options.subject ?? 'athlete-07';
  const session = options.session ?? 's-2026-11-20';
  const startedAt = options.startedAt ?? '2026-11-20T10:00:00.000Z';
  const romDeg = options.romDeg ?? 85;
  const forceLeftN = options.forceLeftN ?? 300;
  const forceRightN = options.forceRightN ?? 250;
  const breakDeg = options.breakDeg ?? 55;
  const cadenceSpm = options.cadenceSpm ?? 165;
  const runS = options.runS ?? 60;

  const curlSet = (device: string, side: 'left' | 'right', startS: number): SetResult => {
    const reps = curlReps(startS + 1, 8, side === 'left' ? romDeg : romDeg - 3, 2);
    const roms = reps.map((r) => r.romDeg as number);
    return {
      device,
      activity: 'prone-hamstring-curl',
      side,
      startS,
      endS: startS + 26,
      repCount: reps.length,
      reps,
      summary: {
        romMeanDeg: r3(roms.reduce((a, b) => a + b, 0) / roms.length),
        romMaxDeg: Math.max(...roms),
      },
    };
  };
  const nordicReps: RepResult[] = [0, 1, 2, 3, 4].map((k) => ({
    startS: 70 + 6 * k,
    endS: 74 + 6 * k,
    romDeg: 70 + k,
    peakDeg: 80 + k,
    concentricS: 1.5,
    eccentricS: 2.2,
    holdS: 0.1,
    peakForceN: null,
    breakDeg: r3(breakDeg + (k - 2) * 0.5),
  }));
  const forceSet = (side: 'left' | 'right', startS: number, peakN: number): SetResult => {
    const reps: RepResult[] = [0, 1, 2].map((k) => ({
      startS: startS + 8 * k,
      endS: startS + 8 * k + 5,
      romDeg: null,
      peakDeg: null,
      concentricS: null,
      eccentricS: null,
      holdS: null,
      peakForceN: r3(peakN - 10 * (2 - k)),
      rfd100NPerS: 900 + k,
      rfd200NPerS: 700 + k,
      impulseNs: 800 + k,
    }));
    return {
      device: 'gauge',
      activity: 'isometric-hamstring',
      side,
      startS,
      endS: startS + 24,
      repCount: reps.length,
      reps,
      summary: { romMeanDeg: null, romMaxDeg: null, peakForceN: peakN },
    };
  };
  const runStartS = 200;
  const cadence = Array.from({ length: runS }, (_, k) => ({
    device: 'R-shank',
    tS: runStartS + 1 + k,
    // the first estimates are 0: the engine's "no cadence yet"
    spm: k < 3 ? 0 : r3(cadenceSpm + 0.8 * Math.sin(k / 3)),
    changePct: k < 10 ? null : r3(0.5 * Math.sin(k / 3)),
  }));
  const stronger = Math.max(forceLeftN, forceRightN);
  const asymmetryPct = r3((100 * Math.abs(forceLeftN - forceRightN)) / stronger);
  const output: AnalyzeOutput = {
    recording: {
      startedAt,
      durationS: runStartS + runS + 2,
      devices: SYNTHETIC_DEVICES.map((d) => d.id),
    },
    sets: [
      curlSet('L-shank', 'left', 2),
      curlSet('R-shank', 'right', 32),
      {
        device: 'thigh',
        activity: 'nordic-curl',
        side: null,
        startS: 68,
        endS: 100,
        repCount: nordicReps.length,
        reps: nordicReps,
        summary: { romMeanDeg: 72, romMaxDeg: 74, breakDegMean: breakDeg },
      },
      forceSet('left', 110, forceLeftN),
      forceSet('right', 150, forceRightN),
      {
        device: 'R-shank',
        activity: 'run',
        side: 'right',
        startS: runStartS,
        endS: runStartS + runS + 1,
        repCount: 0,
        reps: [],
      },
    ],
    cadence,
    quality: SYNTHETIC_DEVICES.map((d, k) => ({
      device: d.id,
      packets: 10000 + k,
      samples: 10000 + k,
      gaps: k,
      lostSamples: 3 * k,
      decodeErrors: 0,
      rateHz: d.placement === 'handle' ? 80 : 99.8,
      disconnects: 0,
    })),
    asymmetry: [
      {
        activity: 'isometric-hamstring',
        metric: 'peakForceN',
        left: forceLeftN,
        right: forceRightN,
        asymmetryPct,
        flag: asymmetryPct >= 20 ? 'ge20' : asymmetryPct >= 15 ? 'ge15' : 'none',
      },
    ],
  };
  return { subject, session, startedAt, devices: SYNTHETIC_DEVICES, output };
}

/**
 * Writes a synthetic session into a data folder the way the server does
 * (`sessions/<id>/session.json`, `summary.json` = {session, provisional, analysis}, and a recording
 * holding just its header), or as a flat summary (AnalyzeOutput + subject/startedAt/devices).
 */
export async function writeSessionFolder(
  dataDir: string,
  s: SyntheticSession,
  layout: 'server' | 'flat' = 'server',
): Promise<string> {
  const dir = path.join(dataDir, 'sessions', s.session);
  await mkdir(dir, { recursive: true });
  const header = {
    type: 'header',
    format: 'hamstream.recording',
    version: 1,
    startedAt: s.startedAt,
    subject: s.subject,
    devices: s.devices,
  };
  if (layout === 'server') {
    await writeFile(
      path.join(dir, 'session.json'),
      JSON.stringify({
        id: s.session,
        subject: s.subject,
        status: 'ended',
        createdAt: s.startedAt,
        endedAt: s.startedAt,
        daemonId: null,
        header,
      }),
    );
    await writeFile(
      path.join(dir, 'summary.json'),
      JSON.stringify({ session: s.session, provisional: false, analysis: s.output }),
    );
    await writeFile(path.join(dir, 'recording.rec.jsonl'), `${JSON.stringify(header)}\n`);
  } else {
    await writeFile(
      path.join(dir, 'summary.json'),
      JSON.stringify({
        ...s.output,
        session: s.session,
        subject: s.subject,
        startedAt: s.startedAt,
        devices: s.devices,
      }),
    );
  }
  return dir;
}
