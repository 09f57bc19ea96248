import { existsSync } from 'node:fs';
import path from 'node:path';
import type { DeviceInfo, LabeledRep, LabeledSet, RecordingEvent, RecordingHeader } from '@hamstream/core';
import { RECORDING_FORMAT, RECORDING_VERSION } from '@hamstream/core';
import { num, readCsv, round } from './csv.js';
import { UCI_PTE } from './provenance.js';
import { type DatasetImporter, IMPORT_EPOCH, type ImportedRecording } from './types.js';

/** Exercise number → activity name and which right-leg units move (the thigh stays put when seated). */
const EXERCISES: Record<number, { activity: string; moving: readonly string[] }> = {
  1: { activity: 'seated-knee-extension', moving: ['R-shank'] },
  3: { activity: 'straight-leg-raise', moving: ['R-shank', 'R-thigh'] },
  4: { activity: 'side-lying-hip-abduction', moving: ['R-shank', 'R-thigh'] },
  5: { activity: 'prone-hip-extension', moving: ['R-shank', 'R-thigh'] },
};

const UNITS: readonly {
  id: string;
  prefix: string;
  device: Omit<DeviceInfo, 'id' | 'config'>;
  location: string;
}[] = [
  {
    id: 'R-shank',
    prefix: 'u2_rshank',
    device: { driver: 'imported', placement: 'shank', side: 'right' },
    location: 'unit 2: right distal shank, lateral, just above the ankle',
  },
  {
    id: 'R-thigh',
    prefix: 'u3_rthigh',
    device: { driver: 'imported', placement: 'thigh', side: 'right' },
    location: 'unit 3: right thigh, lateral, above the knee',
  },
  {
    id: 'chest',
    prefix: 'u5_chest',
    device: { driver: 'imported', placement: 'chest', side: 'center' },
    location: 'unit 5: chest',
  },
];

const RAD_TO_DEG = 180 / Math.PI;

/**
 * UCI PTE leg exercises (Yurtman & Barshan): 20 sessions of 30 reps (10 correct from 0 s, 10 fast
 * from 100 s, 10 low-amplitude from 160 s; nominal block starts become marks). Subject 1 has
 * third-party per-rep boundaries; the others get the protocol's count per block (`repCount`).
 */
export const uciPteImporter: DatasetImporter = {
  id: UCI_PTE.dataset,
  detect: (dir) =>
    existsSync(path.join(dir, 'rep_counts_protocol.csv')) && existsSync(path.join(dir, 'sessions.csv')),
  async *recordings(dir): AsyncGenerator<ImportedRecording> {
    const sessions = await readCsv(path.join(dir, 'sessions.csv'));
    const counts = await readCsv(path.join(dir, 'rep_counts_protocol.csv'));
    const bounds = await readCsv(path.join(dir, 'rep_boundaries_s1_thirdparty.csv'));
    for (const row of sessions.rows) {
      const file = row[sessions.col('file')]!;
      const subject = num(row[sessions.col('subject')]);
      const exercise = num(row[sessions.col('exercise')]);
      const ex = EXERCISES[exercise];
      if (!ex) continue;
      const data = await readCsv(path.join(dir, file));
      const cols = UNITS.map((u) => ({
        acc: ['x', 'y', 'z'].map((a) => data.col(`${u.prefix}_acc_${a}`)),
        gyr: ['x', 'y', 'z'].map((a) => data.col(`${u.prefix}_gyr_${a}`)),
      }));
      const tIdx = data.col('time_index');
      const events: RecordingEvent[] = [];
      const blocks = counts.rows
        .filter(
          (r) => num(r[counts.col('subject')]) === subject && num(r[counts.col('exercise')]) === exercise,
        )
        .map((r) => ({
          block: num(r[counts.col('block')]),
          type: r[counts.col('execution_type')]!,
          reps: num(r[counts.col('expected_reps')]),
          startS: num(r[counts.col('nominal_block_start_s')]),
        }))
        .sort((a, b) => a.startS - b.startS);
      const lastT = (num(data.rows[data.rows.length - 1]![tIdx]) - 1) * 40;
      const durationS = round(lastT / 1000 + 0.04, 3);
      let b = 0;
      for (const r of data.rows) {
        const tMs = (num(r[tIdx]) - 1) * 40;
        while (b < blocks.length && blocks[b]!.startS * 1000 <= tMs) {
          events.push({ type: 'mark', t: blocks[b]!.startS * 1000, activity: ex.activity, side: 'right' });
          b++;
        }
        UNITS.forEach((u, k) => {
          const c = cols[k]!;
          events.push({
            type: 'sample',
            t: tMs,
            device: u.id,
            acc: [num(r[c.acc[0]!]), num(r[c.acc[1]!]), num(r[c.acc[2]!])],
            gyro: [
              round(num(r[c.gyr[0]!]) * RAD_TO_DEG, 4),
              round(num(r[c.gyr[1]!]) * RAD_TO_DEG, 4),
              round(num(r[c.gyr[2]!]) * RAD_TO_DEG, 4),
            ],
          });
        });
      }
      const header: RecordingHeader = {
        type: 'header',
        format: RECORDING_FORMAT,
        version: RECORDING_VERSION,
        startedAt: IMPORT_EPOCH,
        subject: `uci-pte-s${subject}`,
        activity: ex.activity,
        devices: UNITS.map((u) => ({
          id: u.id,
          ...u.device,
          name: 'Xsens MTx',
          config: {
            rateHz: 25,
            model: 'xsens-mtx',
            location: u.location,
            accRangeG: u.id === 'chest' ? 5 : 18,
            gyroRangeDps: 1200,
          },
        })),
        imported: { dataset: UCI_PTE.dataset, file },
      };
      const repRows = bounds.rows.filter(
        (r) => num(r[bounds.col('subject')]) === subject && num(r[bounds.col('exercise')]) === exercise,
      );
      const sets: LabeledSet[] = [];
      blocks.forEach((blk, i) => {
        const endS = i + 1 < blocks.length ? blocks[i + 1]!.startS : durationS;
        const reps: LabeledRep[] = repRows
          .filter((r) => r[bounds.col('execution_type')] === blk.type)
          .map((r) => ({
            startS: num(r[bounds.col('start_s')]),
            endS: num(r[bounds.col('end_s')]),
            romDeg: null,
            repNumber: num(r[bounds.col('rep_number')]),
          }));
        for (const device of ex.moving) {
          sets.push({
            device,
            activity: ex.activity,
            side: 'right',
            startS: blk.startS,
            endS,
            repCount: blk.reps,
            reps,
            executionType: blk.type,
            block: blk.block,
            repBoundaries: reps.length > 0 ? 'third-party, approximate (±0.2 s)' : 'unknown: count only',
          });
        }
      });
      const files = [
        file,
        'rep_counts_protocol.csv',
        ...(repRows.length > 0 ? ['rep_boundaries_s1_thirdparty.csv'] : []),
      ];
      const name = `uci-pte_${file.replace(/_test\.csv$/, '')}`;
      yield {
        name,
        recording: {
          header,
          events,
          labels: {
            sets,
            provenance: {
              ...UCI_PTE,
              files,
              groundTruth:
                'Protocol rep counts: 10 correct (from 0 s), 10 fast (from 100 s), 10 low-amplitude (from 160 s); block starts are nominal. ' +
                (repRows.length > 0
                  ? 'Per-rep boundaries for subject 1 hand-labelled by the mirror author (third-party, approximate).'
                  : 'No per-rep boundaries for this subject.'),
            },
          },
        },
      };
    }
  },
};
