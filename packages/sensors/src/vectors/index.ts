import { bleRscVectors } from './ble-rsc.vectors.js';
import { polarPmdVectors } from './polar-pmd.vectors.js';
import { tindeqProgressorVectors } from './tindeq-progressor.vectors.js';
import type { DriverVectors } from './types.js';
import { witmotionWt901Vectors } from './witmotion-wt901.vectors.js';

/** Every driver's vectors, keyed by driver id. */
export const driverVectors: Readonly<Record<string, DriverVectors>> = {
  'witmotion-wt901': witmotionWt901Vectors,
  'polar-pmd': polarPmdVectors,
  'tindeq-progressor': tindeqProgressorVectors,
  'ble-rsc': bleRscVectors,
};
