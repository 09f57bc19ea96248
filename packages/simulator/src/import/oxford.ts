import { existsSync } from 'node:fs';
import path from 'node:path';
import type { LabeledCadence, Placement, RecordingEvent, RecordingHeader } from '@hamstream/core';
import { RECORDING_FORMAT, RECORDING_VERSION } from '@hamstream/core';
import { num, readCsv, round } from './csv.js';
import { OXFORD } from './provenance.js';
import { type DatasetImporter, IMPORT_EPOCH, type ImportedRecording } from './types.js';

/** Cadence truth windows, s: long enough that logging lag of single GT steps does not matter. */
export const OXFORD_CADENCE_WINDOW_S = 10;

/**
 * Phone placements → the format's body segments. The format has no upper-arm segment: the armband
 * maps to `wrist` (the only arm segment), and `config.location` says where the phone really was.
 */
const PLACEMENT: Record<string, { placement: Placement; location: string }> = {
  frontpocket: { placement: 'thigh', location: 'front trouser pocket (close to a thigh-worn sensor)' },
  backpocket: { placement: 'pelvis', location: 'back trouser pocket (buttock / upper thigh)' },
  armband: { placement: 'wrist', location: 'armband on the upper arm (the format has no upper-arm segment)' },
};

/**
 * Oxford Step Counter validation walks: one recording per trace (Samsung S6 accelerometer); truth
 * = the GT device's total steps, and cadence over 10 s windows from its step events.
 */
export const oxfordImporter: DatasetImporter = {
  id: OXFORD.dataset,
  detect: (dir) =>
    existsSync(path.join(dir, 'gt_step_events.csv')) && existsSync(path.join(dir, 'recordings.csv')),
  async *recordings(dir): AsyncGenerator<ImportedRecording> {
    const recs = await readCsv(path.join(dir, 'recordings.csv'));
    const gt = await readCsv(path.join(dir, 'gt_step_events.csv'));
    for (const row of recs.rows) {
      const name = row[recs.col('recording')]!;
      const where = name.split('_')[1] ?? '';
      const place = PLACEMENT[where];
      if (!place) continue;
      const data = await readCsv(path.join(dir, `${name}.csv`));
      const [ct, cx, cy, cz] = ['time_s', 'acc_x', 'acc_y', 'acc_z'].map((c) => data.col(c)) as [
        number,
        number,
        number,
        number,
      ];
      const events: RecordingEvent[] = [{ type: 'mark', t: 0, activity: 'walk' }];
      let lastT = -1;
      for (const r of data.rows) {
        // Android event times can repeat; the format needs non-decreasing t, which they are.
        const t = Math.max(lastT, round(num(r[ct]) * 1000, 3));
        lastT = t;
        events.push({ type: 'sample', t, device: 'phone', acc: [num(r[cx]), num(r[cy]), num(r[cz])] });
      }
      const durationS = round(lastT / 1000, 3);
      const steps = gt.rows
        .filter((r) => r[gt.col('recording')] === name)
        .map((r) => num(r[gt.col('time_s')]));
      const cadence: LabeledCadence[] = [];
      if (steps.length >= 3) {
        for (
          let from = steps[0]!;
          from + OXFORD_CADENCE_WINDOW_S <= steps[steps.length - 1]! + 1e-9;
          from += OXFORD_CADENCE_WINDOW_S
        ) {
          const to = from + OXFORD_CADENCE_WINDOW_S;
          const inside = steps.filter((s) => s >= from && s < to);
          if (inside.length < 3) continue;
          const spm = (60 * (inside.length - 1)) / (inside[inside.length - 1]! - inside[0]!);
          cadence.push({ fromS: round(from, 3), toS: round(to, 3), spm: round(spm, 2), device: 'phone' });
        }
      }
      const header: RecordingHeader = {
        type: 'header',
        format: RECORDING_FORMAT,
        version: RECORDING_VERSION,
        startedAt: IMPORT_EPOCH,
        subject: `oxford-${name.split('_')[0]}`,
        activity: 'walk',
        devices: [
          {
            id: 'phone',
            driver: 'imported',
            placement: place.placement,
            side: 'center',
            name: 'Samsung S6 accelerometer',
            config: {
              rateHz: num(row[recs.col('median_rate_hz')]),
              measurements: ['acc'],
              location: place.location,
              sideKnown: false,
            },
          },
        ],
        imported: { dataset: OXFORD.dataset, recording: name, sourceFile: row[recs.col('source_file')] },
      };
      yield {
        name: `oxford_${name}`,
        recording: {
          header,
          events,
          labels: {
            sets: [
              { device: 'phone', activity: 'walk', side: 'center', startS: 0, endS: durationS, reps: [] },
            ],
            cadence,
            stepCount: num(row[recs.col('gt_total_steps')]),
            stepEventsS: steps,
            baselines: {
              appAlgoTotalSteps: num(row[recs.col('app_algo_total_steps')]),
              phoneHwTotalSteps: num(row[recs.col('phone_hw_total_steps')]),
            },
            provenance: {
              ...OXFORD,
              files: [`${name}.csv`, 'gt_step_events.csv', 'recordings.csv'],
              groundTruth: `Total steps from the separate ground-truth device (stepCount); cadence over ${OXFORD_CADENCE_WINDOW_S} s windows from its logged step times, 60·(n−1)/(t_last − t_first) steps/min.`,
            },
          },
        },
      };
    }
  },
};
