/** Sensors per session (one daemon each). */
export const SENSORS_PER_SESSION = 4;

/** The session ids of a bench run (the parent creates them and binds the daemon token to them). */
export function benchSessionIds(run: string, sensors: number): string[] {
  return Array.from({ length: Math.ceil(sensors / SENSORS_PER_SESSION) }, (_, i) => `bench-${run}-${i}`);
}
