import { createRequire } from 'node:module';
import { err, ok, type RecordingHeader, type Result } from '@hamstream/core';
import { readRecording } from '@hamstream/recording';
import {
  createVirtualBindings,
  type VirtualAdapterOptions,
  type VirtualBindings,
  type VirtualDeviceStats,
  type VirtualMark,
  type VirtualPeripheralInfo,
  type VirtualRecording,
} from '../virtual/virtual-bindings.js';
import type { BleCentral } from './ble-central.js';
import { bluetoothErrorFromLoad } from './bluetooth-unavailable.js';
import { createNobleCentral } from './noble-central.js';
import type { Noble } from './noble-types.js';

/**
 * The only module that loads noble, and it does so lazily: importing @hamstream/ingest never touches
 * Bluetooth. `hardware` imports @abandonware/noble (which opens an HCI socket at import time and throws
 * on a machine without Bluetooth); `virtual:…` hands recordings to noble's `with-bindings` entry point.
 */

export type AdapterSpec = { kind: 'hardware' } | { kind: 'virtual'; recordings: string[] };

/** `hardware` | `virtual:REC[,REC…]`. */
export function parseAdapterSpec(text: string): Result<AdapterSpec, string> {
  const s = text.trim();
  if (s === 'hardware' || s === '') return ok({ kind: 'hardware' });
  if (s.startsWith('virtual:')) {
    const recordings = s
      .slice('virtual:'.length)
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p.length > 0);
    if (recordings.length === 0)
      return err('--adapter virtual: needs at least one recording, e.g. virtual:session.rec.jsonl');
    return ok({ kind: 'virtual', recordings });
  }
  return err(`unknown adapter "${text}": use "hardware" or "virtual:RECORDING[,RECORDING…]"`);
}

/** The virtual adapter's extras, beside the BLE port: what it serves, what it dropped, recorded marks. */
export interface VirtualAdapterHandle {
  readonly recordings: readonly { path: string; header: RecordingHeader }[];
  readonly peripherals: readonly VirtualPeripheralInfo[];
  stats(): VirtualDeviceStats[];
  onMark(listener: (mark: VirtualMark) => void): () => void;
}

export interface LoadedCentral extends BleCentral {
  /** Present for `virtual:` adapters only. */
  readonly virtual: VirtualAdapterHandle | null;
}

export interface LoadNobleCentralOptions {
  /** `hardware`, `virtual:REC[,REC…]`, or a parsed spec. */
  adapter: string | AdapterSpec;
  /** Playback options of the virtual adapter (ignored for hardware). */
  virtual?: VirtualAdapterOptions;
  /** Recordings already in memory, by path (tests, or a server that has them loaded). */
  preloaded?: readonly VirtualRecording[];
  onWarning?: (message: string) => void;
}

type WithBindings = (bindings: VirtualBindings) => Noble;

async function loadRecordings(paths: readonly string[], preloaded: readonly VirtualRecording[] = []) {
  const out: VirtualRecording[] = [];
  for (const path of paths) {
    const known = preloaded.find((r) => r.path === path);
    if (known) {
      out.push(known);
      continue;
    }
    const { header, events } = await readRecording(path);
    out.push({ path, header, events });
  }
  return out;
}

export async function loadNobleCentral(options: LoadNobleCentralOptions): Promise<LoadedCentral> {
  let spec: AdapterSpec;
  if (typeof options.adapter === 'string') {
    const parsed = parseAdapterSpec(options.adapter);
    if (!parsed.ok) throw new Error(parsed.error);
    spec = parsed.value;
  } else {
    spec = options.adapter;
  }

  if (spec.kind === 'hardware') {
    let noble: Noble;
    try {
      const mod = (await import('@abandonware/noble')) as { default?: unknown };
      noble = (mod.default ?? mod) as Noble;
    } catch (e) {
      throw bluetoothErrorFromLoad(e);
    }
    const central = createNobleCentral(noble, {
      kind: 'hardware',
      onWarning: options.onWarning,
      onInitError: bluetoothErrorFromLoad,
    });
    return Object.assign(central, { virtual: null });
  }

  const recordings = await loadRecordings(spec.recordings, options.preloaded);
  const bindings = createVirtualBindings(recordings, options.virtual);
  // with-bindings is plain CommonJS without typings; it builds a Noble around any bindings object.
  const withBindings = createRequire(import.meta.url)('@abandonware/noble/with-bindings.js') as WithBindings;
  const noble = withBindings(bindings);
  const central = createNobleCentral(noble, {
    kind: 'virtual',
    ended: bindings.ended,
    onClose: () => bindings.close(),
    onWarning: options.onWarning,
  });
  const virtual: VirtualAdapterHandle = {
    recordings: recordings.map((r) => ({ path: r.path, header: r.header })),
    peripherals: bindings.peripherals,
    stats: () => bindings.stats(),
    onMark: (listener) => bindings.onMark(listener),
  };
  return Object.assign(central, { virtual });
}
