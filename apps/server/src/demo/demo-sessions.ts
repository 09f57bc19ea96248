/** The demo's three sessions, by fixture name (fixtures/<scenario>.rec.jsonl.gz + .labels.json). */
export const DEMO_SESSIONS = [
  {
    key: 'bridge',
    scenario: 'bridge_witmotion-wt901_thigh_clean',
    subject: 'athlete-bridge',
    romTargetDeg: 36,
  },
  {
    key: 'nordic',
    scenario: 'nordic-curl_witmotion-wt901+tindeq-progressor_thigh+handle_clean',
    subject: 'athlete-nordic',
    romTargetDeg: 85,
  },
  {
    key: 'run',
    scenario: 'run_witmotion-wt901+polar-pmd+ble-rsc_shank+chest+foot_clean',
    subject: 'runner-01',
    romTargetDeg: null,
  },
] as const;

export type DemoKey = (typeof DEMO_SESSIONS)[number]['key'];
