import type {
  AnalyzeOutput,
  AsymmetryResult,
  CadencePoint,
  DeviceQuality,
  RecordingHeader,
  RepResult,
  SetResult,
} from '@hamstream/core';
import type { EngineUpdate, SetId } from '../types.js';

interface SetEntry {
  order: number;
  deviceIndex: number;
  set: SetResult;
  done: boolean;
}

/**
 * Reduces engine updates to the analyze document (spec: analyze-output.md). The analyzer builds its
 * own output with this same reducer, so `collectAnalyzeOutput` over the updates and `output()` agree
 * by construction. Sets are listed by start time, then header device order; sets still open are
 * listed with the reps found so far. Cadence entries likewise: by time, then header device order.
 */
export class OutputBuilder {
  private readonly sets = new Map<SetId, SetEntry>();
  private readonly cadence: CadencePoint[] = [];
  private readonly quality = new Map<string, DeviceQuality>();
  private asymmetry: AsymmetryResult[] = [];
  private durationS = 0;
  private readonly deviceOrder: Map<string, number>;

  constructor(private readonly header: RecordingHeader) {
    this.deviceOrder = new Map(header.devices.map((d, i) => [d.id, i]));
  }

  apply(update: EngineUpdate): void {
    switch (update.type) {
      case 'set-start':
        this.sets.set(update.setId, {
          order: this.sets.size,
          deviceIndex: this.deviceOrder.get(update.device) ?? Number.MAX_SAFE_INTEGER,
          set: {
            device: update.device,
            activity: update.activity,
            side: update.side,
            startS: update.startS,
            endS: update.startS,
            repCount: 0,
            reps: [],
          },
          done: false,
        });
        break;
      case 'rep': {
        const entry = this.sets.get(update.setId);
        if (entry && !entry.done) {
          entry.set.reps.push(update.rep);
          entry.set.repCount = entry.set.reps.length;
          if (update.rep.endS > entry.set.endS) entry.set.endS = update.rep.endS;
        }
        break;
      }
      case 'set-end': {
        const entry = this.sets.get(update.setId);
        if (entry) {
          entry.set = update.set;
          entry.done = true;
        }
        break;
      }
      case 'cadence':
        this.cadence.push(update.point);
        break;
      case 'quality':
        this.quality.set(update.quality.device, update.quality);
        break;
      case 'asymmetry':
        this.asymmetry = update.results;
        break;
      case 'end':
        this.durationS = update.durationS;
        break;
      case 'activity':
      case 'angle':
      case 'force':
      case 'gap':
      case 'connection':
      case 'battery':
      case 'warning':
        break;
      default: {
        const never: never = update;
        void never;
      }
    }
  }

  build(): AnalyzeOutput {
    const entries = [...this.sets.values()].sort(
      (a, b) => a.set.startS - b.set.startS || a.deviceIndex - b.deviceIndex || a.order - b.order,
    );
    const quality = this.header.devices
      .map((d) => this.quality.get(d.id))
      .filter((q): q is DeviceQuality => q !== undefined);
    const output: AnalyzeOutput = {
      recording: {
        startedAt: this.header.startedAt,
        durationS: this.durationS,
        devices: this.header.devices.map((d) => d.id),
      },
      sets: entries.map((e) => copySet(e.set)),
      // In time order, then header device order: how the devices' data interleaved on the way in (BLE
      // timing, batching) does not change the document.
      cadence: this.cadence
        .map((c, k) => ({ c, k }))
        .sort(
          (x, y) =>
            x.c.tS - y.c.tS ||
            (this.deviceOrder.get(x.c.device) ?? 0) - (this.deviceOrder.get(y.c.device) ?? 0) ||
            x.k - y.k,
        )
        .map(({ c }) => ({ ...c })),
      quality: quality.map((q) => ({ ...q })),
    };
    if (this.asymmetry.length > 0) output.asymmetry = this.asymmetry.map((a) => ({ ...a }));
    return output;
  }
}

function copySet(set: SetResult): SetResult {
  const copy: SetResult = { ...set, reps: set.reps.map((r: RepResult) => ({ ...r })) };
  if (set.summary) copy.summary = { ...set.summary };
  return copy;
}
