/**
 * End to end: the real `hamstream start --demo` process (built CLI) on a free port, driven by Debian's
 * chromium through playwright-core. The printed demo link signs each page in as the demo user. Waits until the bridge session's rep count reaches its fixture's
 * labelled count, checks the runner's cadence against the fixture's truth in steady state, and takes
 * the screenshots in docs/.
 *
 * Scenarios: Demo_BridgeReps_01 (fixtures/bridge_witmotion-wt901_thigh_clean),
 *            Demo_RunnerCadence_01 (fixtures/run_witmotion-wt901+polar-pmd+ble-rsc_shank+chest+foot_clean).
 * Needs `npm run build` (CLI + dashboard) and /usr/bin/chromium (.ci/run installs it).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const CLI = join(ROOT, 'apps/cli/bin/hamstream.js');
const CHROMIUM = '/usr/bin/chromium';
/**
 * Playback speed of the demo (its sessions keep the fixtures' own data time, see demo.ts). Host
 * timing jitter is scaled by it too (a 20 ms stall of the event loop becomes 40 ms of data time), so
 * keep it low enough for the cadence check on a busy 2-core machine.
 */
const SPEED = 2;
const BRIDGE = 'bridge_witmotion-wt901_thigh_clean';
const RUN = 'run_witmotion-wt901+polar-pmd+ble-rsc_shank+chest+foot_clean';
/** Cadence estimates within this long after a change of the true cadence are transients, not steady state. */
const SETTLE_S = 10;

interface Labels {
  sets: Array<{ reps: unknown[] }>;
  cadence?: Array<{ fromS: number; toS: number; spm: number }>;
}
const labels = (name: string): Labels =>
  JSON.parse(readFileSync(join(ROOT, 'fixtures', `${name}.labels.json`), 'utf8'));

let server: ChildProcess;
let url: string;
let browser: Browser;
let output = '';
let dataDir: string | null = null;

function startDemo(data: string): Promise<string> {
  const args = ['start', '--demo', '--port', '0', '--data', data, '--speed', String(SPEED), '--no-loop'];
  server = spawn(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    // No PORT or HAMSTREAM_DATA from the caller: the flags decide.
    env: Object.fromEntries(
      Object.entries(process.env).filter(([k]) => k !== 'PORT' && k !== 'HAMSTREAM_DATA'),
    ),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolvePromise, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /hamstream is running: (http:\/\/\S+)/.exec(output);
      if (m) resolvePromise(m[1]!);
    };
    server.stdout!.on('data', onData);
    server.stderr!.on('data', onData);
    server.once('exit', (code) => reject(new Error(`hamstream start exited with ${code}:\n${output}`)));
  });
}

beforeAll(async () => {
  for (const f of [CLI, join(ROOT, 'apps/cli/dist/main.js'), join(ROOT, 'apps/dashboard/dist/index.html')]) {
    if (!existsSync(f)) throw new Error(`${f} is missing: run \`npm run build\` first`);
  }
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
  const startedAt = performance.now();
  dataDir = await mkdtemp(join(tmpdir(), 'hamstream-e2e-'));
  url = await startDemo(dataDir);
  // The README promises the URL quickly; the numbers follow within seconds.
  expect(performance.now() - startedAt).toBeLessThan(30_000);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}, 30_000);

async function openPage(path = ''): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  await page.goto(new URL(path, url).href);
  return page;
}

const tile = (page: Page, key: string) =>
  page.locator(`[data-testid="session-tile"][data-session^="demo-${key}-"]`);

describe('hamstream start --demo in a browser', () => {
  it('signs the browser in as the demo user through the printed link, marked as a demo', async () => {
    expect(url).toMatch(/\?demo=[\w-]+$/);
    const page = await openPage();
    await expect
      .poll(() => page.locator('[data-testid="demo-banner"]').textContent())
      .toBe('DEMO — simulated data');
    // The key leaves the address bar once used.
    expect(page.url()).not.toContain('demo=');
    // Without the link: the sign-in form, and the API answers nothing.
    const plain = await browser.newPage();
    await plain.goto(new URL('/', url).href);
    await expect.poll(() => plain.locator('[data-testid="sign-in"]').count()).toBe(1);
    const res = await plain.request.get(new URL('/api/sessions', url).href);
    expect(res.status()).toBe(401);
    await plain.close();
    await page.close();
  }, 30_000);

  it('signs the admin in with the printed one-time password, which must be changed first', async () => {
    const oneTime = /one-time password: (\S+)/.exec(output)?.[1];
    expect(oneTime).toBeTruthy();
    const page = await browser.newPage();
    await page.goto(new URL('/', url).href);
    const form = page.locator('[data-testid="sign-in"]');
    await form.locator('input[name="username"]').fill('admin');
    await form.locator('input[name="password"]').fill('not the password');
    await form.locator('button[type="submit"]').click();
    await expect.poll(() => form.locator('[role="alert"]').textContent()).toBe('wrong user name or password');
    // The rejected password is not left in the field.
    expect(await form.locator('input[name="password"]').inputValue()).toBe('');
    await form.locator('input[name="password"]').fill(oneTime!);
    await form.locator('button[type="submit"]').click();
    const change = page.locator('[data-testid="change-password"]');
    await change.waitFor();
    const fields = change.locator('input[type="password"]');
    await fields.nth(0).fill(oneTime!);
    await fields.nth(1).fill('a long new pass phrase');
    await fields.nth(2).fill('another pass phrase');
    await change.locator('button[type="submit"]').click();
    expect(await change.locator('[role="alert"]').textContent()).toBe('the new passwords differ');
    await fields.nth(2).fill('a long new pass phrase');
    await change.locator('button[type="submit"]').click();
    // Signed in as admin: the wall with the live sessions.
    await expect
      .poll(() => page.locator('[data-testid="session-tile"]').count(), { timeout: 15_000 })
      .toBe(3);

    // A new session for a new subject: the page answers with the daemon's command line, and a daemon
    // started with it (on the virtual adapter, replaying a fixture) puts the session on the wall.
    await page.locator('[data-testid="new-session-link"]').click();
    const newForm = page.locator('[data-testid="new-session"]');
    await newForm.locator('input[name="subject"]').fill('athlete-e2e');
    await newForm.locator('input[name="session"]').fill('e2e-bridge-1');
    await newForm.locator('button[type="submit"]').click();
    const command = await page.locator('[data-testid="ingest-command"]').textContent();
    expect(await page.locator('[data-testid="created-session"]').textContent()).toBe('e2e-bridge-1');
    const token = /--token (\S+)/.exec(command ?? '')?.[1];
    expect(command).toContain(`--server ${new URL(url).origin}`);
    expect(command).toContain('--session e2e-bridge-1');
    expect(token).toMatch(/^hsd_/);
    const daemon = spawn(
      process.execPath,
      [
        CLI,
        'ingest',
        '--adapter',
        `virtual:${join(ROOT, 'fixtures', `${BRIDGE}.rec.jsonl.gz`)}`,
        '--speed',
        '4',
        '--server',
        new URL(url).origin,
        '--session',
        'e2e-bridge-1',
        '--token',
        token!,
        '--quiet',
      ],
      { cwd: ROOT, stdio: 'ignore' },
    );
    try {
      await page.goto(new URL('/#/', url).href);
      const tileOfNew = page.locator('[data-testid="session-tile"][data-session="e2e-bridge-1"]');
      await expect.poll(() => tileOfNew.count(), { timeout: 30_000 }).toBe(1);
      expect(await tileOfNew.locator('.subject').textContent()).toBe('athlete-e2e');
    } finally {
      daemon.kill('SIGTERM');
    }

    // Accounts: the admin creates a therapist, who signs in with the one-time password shown once and
    // must choose a new one first.
    await page.locator('[data-testid="accounts-link"]').click();
    const accountForm = page.locator('[data-testid="new-account"]');
    await accountForm.locator('input[name="account"]').fill('kim');
    await accountForm.locator('select[name="role"]').selectOption('therapist');
    await accountForm.locator('button[type="submit"]').click();
    const kimPassword = await page.locator('[data-testid="one-time-password-value"]').textContent();
    expect(kimPassword).toBeTruthy();
    expect(await page.locator('tr[data-account="kim"]').textContent()).toContain('one-time password');
    const kim = await browser.newPage();
    await kim.goto(new URL('/', url).href);
    const kimForm = kim.locator('[data-testid="sign-in"]');
    await kimForm.locator('input[name="username"]').fill('kim');
    await kimForm.locator('input[name="password"]').fill(kimPassword!);
    await kimForm.locator('button[type="submit"]').click();
    const kimChange = kim.locator('[data-testid="change-password"]');
    await kimChange.waitFor();
    const kimFields = kimChange.locator('input[type="password"]');
    await kimFields.nth(0).fill(kimPassword!);
    await kimFields.nth(1).fill('a therapist pass phrase');
    await kimFields.nth(2).fill('a therapist pass phrase');
    await kimChange.locator('button[type="submit"]').click();
    // A therapist may start sessions but has no accounts page.
    await kim.locator('[data-testid="new-session-link"]').waitFor();
    expect(await kim.locator('[data-testid="accounts-link"]').count()).toBe(0);
    await kim.close();
    await page.close();
  }, 60_000);

  it('shows every demo session on the wall with live numbers', async () => {
    const page = await openPage();
    await expect
      .poll(() => page.locator('[data-testid="session-tile"]').count(), { timeout: 15_000 })
      .toBe(3);
    await expect
      .poll(() => tile(page, 'run').locator('[data-testid="cadence-spm"]').textContent(), { timeout: 15_000 })
      .toMatch(/^\d+$/);
    await page.close();
  }, 30_000);

  it("counts the bridge session's reps to the labelled count while the runner's cadence matches its truth", async () => {
    const expectedReps = labels(BRIDGE).sets.reduce((n, s) => n + s.reps.length, 0);
    const truth = labels(RUN).cadence!;
    const wall = await openPage();
    const runner = await openPage();
    const nordic = await openPage();
    await tile(runner, 'run').click();
    await tile(nordic, 'nordic').click();
    const total = tile(wall, 'bridge').locator('[data-testid="rep-total"]');
    const cadence = runner.locator('[data-testid="cadence-spm"]');
    const steady: Array<{ tS: number; spm: number; truth: number }> = [];
    const seen = new Set<number>();
    const shots = { wall: false, runner: false, session: false };

    // The fixtures play at the same time: watch them side by side.
    await Promise.all([
      expect
        .poll(
          async () => {
            // The session view mid-set: the Nordic curls with force (README screenshot).
            if (
              !shots.session &&
              Number(await nordic.locator('[data-testid="rep-count"]').textContent()) >= 3
            ) {
              await nordic.screenshot({ path: join(ROOT, 'docs/screenshot-session.png'), fullPage: true });
              shots.session = true;
            }
            return shots.session;
          },
          { timeout: 130_000, interval: 250 },
        )
        .toBe(true),
      expect
        .poll(
          async () => {
            const n = Number(await total.textContent());
            if (!shots.wall && n >= 10) {
              // The README screenshot: the wall mid-session, every tile busy.
              await mkdir(join(ROOT, 'docs'), { recursive: true });
              await wall.screenshot({ path: join(ROOT, 'docs/screenshot.png') });
              shots.wall = true;
            }
            return n;
          },
          { timeout: 130_000, interval: 250 },
        )
        .toBe(expectedReps),
      expect
        .poll(
          async () => {
            const [text, t] = await Promise.all([cadence.textContent(), cadence.getAttribute('data-t-s')]);
            const tS = Number(t);
            if (t && text && !seen.has(tS) && /^\d+$/.test(text)) {
              seen.add(tS);
              const seg = truth.find((c) => tS >= c.fromS + SETTLE_S && tS <= c.toS);
              if (seg) steady.push({ tS, spm: Number(text), truth: seg.spm });
              if (!shots.runner && seg && seg.spm !== truth[0]!.spm && tS > seg.fromS + 25) {
                // In the +5 % block: the runner view with its band and time in zone.
                await runner.screenshot({ path: join(ROOT, 'docs/screenshot-runner.png') });
                shots.runner = true;
              }
            }
            // Done once the +5 % block has been seen in steady state for a while (and photographed).
            return shots.runner ? steady.filter((x) => x.truth !== truth[0]!.spm).length : 0;
          },
          { timeout: 130_000, interval: 200 },
        )
        .toBeGreaterThanOrEqual(5),
    ]);

    // The bridge fixture has ended (no loop): the count stays at the label.
    await wall.waitForTimeout(1000);
    expect(Number(await total.textContent())).toBe(expectedReps);
    expect(Number(await tile(wall, 'bridge').locator('[data-testid="rep-count"]').textContent())).toBe(
      labels(BRIDGE).sets.at(-1)!.reps.length,
    );
    expect(shots).toEqual({ wall: true, runner: true, session: true });
    // Baseline and +5 % block both seen in steady state; every reading within 1 step/min of the truth.
    expect(steady.filter((x) => x.truth === truth[0]!.spm).length).toBeGreaterThanOrEqual(3);
    const readings = steady.map((x) => `${x.tS.toFixed(1)} s: ${x.spm}/${x.truth}`).join(', ');
    for (const x of steady) expect(Math.abs(x.spm - x.truth), readings).toBeLessThanOrEqual(1);
    await wall.close();
    await runner.close();
    await nordic.close();
  }, 180_000);

  it('opens the session view of the Nordic curls with force numbers', async () => {
    const page = await openPage();
    await tile(page, 'nordic').click();
    await expect
      .poll(() => page.locator('[data-testid="rep-total"]').textContent(), { timeout: 20_000 })
      .not.toBe('0');
    await expect
      .poll(() => page.locator('[data-testid="force-peak"]').textContent(), { timeout: 20_000 })
      .toMatch(/^\d+$/);
    await page.close();
  }, 40_000);
});
