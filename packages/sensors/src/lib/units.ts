/** Standard gravity, m/s² per g (ISO 80000-3). */
export const STANDARD_GRAVITY_MS2 = 9.80665;
/** m/s² per milli-g. */
export const MS2_PER_MG = STANDARD_GRAVITY_MS2 / 1000;
/** Newtons per kilogram-force (a force gauge's "kg" reading). */
export const NEWTONS_PER_KGF = STANDARD_GRAVITY_MS2;
