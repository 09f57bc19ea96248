import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { CliError } from '../cli-error.js';

const FORMATS = ['csv', 'json', 'fhir', 'html', 'pdf'] as const;
type Format = (typeof FORMATS)[number];

interface ExportOptions {
  format: string;
  data?: string;
  out?: string;
  history: boolean;
  chromium?: string;
}

/** Prints an HTML file to PDF with headless Chromium (Debian package `chromium`). */
async function htmlToPdf(html: string, chromium: string): Promise<Buffer> {
  const { execFile } = await import('node:child_process');
  const dir = await mkdtemp(path.join(tmpdir(), 'hamstream-pdf-'));
  try {
    const input = path.join(dir, 'report.html');
    const output = path.join(dir, 'report.pdf');
    await writeFile(input, html);
    await new Promise<void>((resolve, reject) => {
      execFile(
        chromium,
        [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--no-pdf-header-footer',
          `--print-to-pdf=${output}`,
          `file://${input}`,
        ],
        { timeout: 60_000 },
        (error) => (error ? reject(error) : resolve()),
      );
    });
    return await readFile(output);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function register(program: Command): void {
  program
    .command('export')
    .description(
      'Export one session: per-rep CSV, JSON, a FHIR R4 Bundle of Observations, or a printable report ' +
        '(HTML with plots, or PDF through headless Chromium) to hand to the patient.',
    )
    .argument('<SESSION>', 'session id in the data folder, or a session folder / summary.json path')
    .option('--format <FORMAT>', `one of ${FORMATS.join(', ')}`, 'csv')
    .option('--data <DIR>', 'data folder (default: env HAMSTREAM_DATA, else ./data)')
    .option('--out <FILE>', 'write to FILE instead of stdout (required for pdf)')
    .option('--no-history', 'html/pdf: leave out the progress section across the subject’s sessions')
    .option('--chromium <PATH>', 'pdf: Chromium binary (default: env CHROMIUM, else /usr/bin/chromium)')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  hamstream export s-2026-11-20 --format csv > reps.csv\n' +
        '  hamstream export s-2026-11-20 --format fhir --out bundle.json\n' +
        '  hamstream export ./data/sessions/s-2026-11-20 --format pdf --out report.pdf',
    )
    .action(async (session: string, opts: ExportOptions) => {
      const format = opts.format as Format;
      if (!FORMATS.includes(format))
        throw new CliError(`unknown --format "${opts.format}" (use ${FORMATS.join(', ')})`);
      if (format === 'pdf' && !opts.out) throw new CliError('--format pdf needs --out FILE');
      const storage = await import('@hamstream/storage');
      const dataDir = opts.data ?? process.env.HAMSTREAM_DATA ?? 'data';
      const asPath =
        existsSync(session) && (session.endsWith('.json') || existsSync(path.join(session, 'summary.json')));
      const stored = asPath
        ? await storage.readStoredSession(session)
        : await storage.createLocalStore(dataDir).session(session);
      if (!stored) {
        throw new CliError(
          asPath
            ? `${session}: no readable summary.json (has the session been analysed?)`
            : `session "${session}" not found in ${path.join(dataDir, 'sessions')} (or it has no summary.json yet)`,
        );
      }
      let body: string | Buffer;
      if (format === 'csv') body = storage.sessionToCsv(stored);
      else if (format === 'json') body = `${JSON.stringify(storage.sessionToJson(stored), null, 2)}\n`;
      else if (format === 'fhir') body = `${JSON.stringify(storage.sessionToFhirBundle(stored), null, 2)}\n`;
      else {
        // The progress section reads the subject's other sessions from the same data folder.
        const historyDir = asPath ? path.dirname(path.dirname(stored.dir ?? session)) : dataDir;
        const history =
          opts.history && stored.subject !== storage.UNKNOWN_SUBJECT
            ? await storage.createLocalStore(historyDir).subjectHistory(stored.subject)
            : undefined;
        const html = storage.sessionToHtml(stored, history && history.sessions.length > 1 ? { history } : {});
        if (format === 'html') body = html;
        else {
          const chromium = opts.chromium ?? process.env.CHROMIUM ?? '/usr/bin/chromium';
          if (!existsSync(chromium))
            throw new CliError(`pdf needs Chromium at ${chromium}: apt-get install chromium`);
          body = await htmlToPdf(html, chromium);
        }
      }
      if (opts.out) {
        await writeFile(opts.out, body);
        process.stderr.write(`export: wrote ${opts.out}\n`);
      } else {
        process.stdout.write(body);
      }
    });
}
