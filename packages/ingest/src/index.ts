/**
 * @hamstream/ingest: the daemon beside the patient. BLE behind a small port (`BleCentral`), noble loaded
 * lazily (importing this package never touches Bluetooth), a virtual adapter that serves recorded
 * peripherals through noble's own bindings interface, and the daemon: connect, stream, record, forward.
 */
export {
  type BackoffPolicy,
  backoffDelayMs,
  DEFAULT_BACKOFF,
} from './daemon/backoff.js';
export {
  DEFAULT_TUNING,
  defaultSessionId,
  type IngestConfig,
  type IngestTuning,
  parseIngestConfig,
  type SensorConfig,
  type ServerTarget,
  sensorsFromDevices,
} from './daemon/config.js';
export {
  type AckFile,
  ackPathFor,
  Forwarder,
  type ForwarderOptions,
  type ForwarderSocketOptions,
  type ForwarderStatus,
} from './daemon/forwarder.js';
export { GapTracker } from './daemon/gap-tracker.js';
export {
  type IngestDaemon,
  type IngestDaemonEvents,
  type IngestDaemonOptions,
  type IngestSummary,
  startIngestDaemon,
} from './daemon/ingest-daemon.js';
export { type IngestLogger, silentLogger } from './daemon/logger.js';
export { type ExistingRecording, HAMSTREAM_ERR_RESUME, inspectRecording } from './daemon/resume.js';
export { advertisementMatcher, type SensorState, type SensorStatus } from './daemon/sensor-link.js';
export { createSessionClock, type SessionClock } from './daemon/session-clock.js';
export {
  type BleAdapterState,
  type BleAdvertisement,
  type BleCentral,
  type BleCharacteristicInfo,
  type BleConnection,
  type BleConnectOptions,
  type BleDisconnectInfo,
  BleOperationError,
  type BleScan,
} from './noble/ble-central.js';
export {
  BluetoothUnavailableError,
  bluetoothErrorFromLoad,
  bluetoothErrorFromState,
  HAMSTREAM_ERR_BLUETOOTH_UNAVAILABLE,
} from './noble/bluetooth-unavailable.js';
export {
  type AdapterSpec,
  type LoadedCentral,
  type LoadNobleCentralOptions,
  loadNobleCentral,
  parseAdapterSpec,
  type VirtualAdapterHandle,
} from './noble/load-noble-central.js';
export { createNobleCentral, type NobleCentralOptions } from './noble/noble-central.js';
export { type ScanEntry, type SensorScan, type SensorScanOptions, startSensorScan } from './scan.js';
export { buildPeripheralModel, type PeripheralModel, typicalLocalName } from './virtual/peripheral-model.js';
export { createPrng, hashSeed } from './virtual/prng.js';
export {
  createVirtualBindings,
  type VirtualAdapterOptions,
  type VirtualBindings,
  type VirtualDeviceStats,
  type VirtualMark,
  type VirtualPeripheralInfo,
  type VirtualRecording,
} from './virtual/virtual-bindings.js';
