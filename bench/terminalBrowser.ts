// terminalBrowser.ts - the terminal bench's browser row: Debian's Chromium opens a lesson until its terminal shows a shell prompt.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { onCleanup } from './cleanup.ts';
import { msSince } from './stats.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--headless=new', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Where the time goes, from page.goto, by the socket.io frames the page sent and received (first of each). */
export const STAGES = ['html', 'socket', 'lesson:open sent', 'lesson:open reply', 'terminal:open sent', 'terminal:open reply', 'first output'] as const;
export type Stage = (typeof STAGES)[number];
export type PromptResult = { ms: number[]; stages: Record<Stage, number[]> } | { na: string };

function watchFrames(page: import('playwright-core').Page, t0: () => bigint, marks: Partial<Record<Stage, number>>): void {
  const mark = (stage: Stage) => { marks[stage] ??= msSince(t0()); };
  page.on('response', (r) => { if (r.request().resourceType() === 'document') mark('html'); });
  page.on('websocket', (ws) => {
    mark('socket');
    ws.on('framesent', ({ payload }) => {
      const text = String(payload);
      if (text.includes('"lesson:open"')) mark('lesson:open sent');
      else if (text.includes('"terminal:open"')) mark('terminal:open sent');
    });
    ws.on('framereceived', ({ payload }) => {
      const text = typeof payload === 'string' ? payload : '';
      // acks are `43<id>[reply]`; output is a binary-placeholder event `451-["terminal:output",...]`
      const ack = /^43\d+\[/.test(text);
      if (ack && text.includes('"containerId"') && text.includes('"lesson":{')) mark('lesson:open reply');
      else if (ack && text.includes('"terminalId"') && text.includes('"replay"')) mark('terminal:open reply');
      else if (text.includes('"terminal:output"')) mark('first output');
    });
  });
}

/** The static export's lesson page exists, building it once (`npm run build:app`) if it does not. */
function appBuilt(log: (msg: string) => void): boolean {
  const page = path.join(repo, 'out', 'lesson', 'index.html');
  if (fs.existsSync(page)) return true;
  log('out/ has no lesson page: npm run build:app (this takes a while)');
  const r = spawnSync('npm', ['run', 'build:app'], { cwd: repo, stdio: ['ignore', 'ignore', 'pipe'], timeout: 240_000 });
  if (r.status !== 0) log(`build:app failed (${r.status ?? r.signal}): ${String(r.stderr).trim().split('\n').slice(-3).join(' / ')}`);
  return fs.existsSync(page);
}

/**
 * `learners` fresh browser contexts (each a new cookie, hence a new learner and a new container), after one warm-up
 * that is not counted (it pays for the first read of the bundles from disk), each after the previous learner's
 * container is gone (a deletion under way would be timed too). Each is timed from page.goto until the
 * terminal's last non-empty row (xterm's DOM renderer, which the app keeps under automation) ends in "#" or "$".
 */
export async function timePrompt(base: string, lessonId: string, learners: number, log: (msg: string) => void, quiet: () => Promise<void>): Promise<PromptResult> {
  if (!fs.existsSync(CHROMIUM)) return { na: `n/a (${CHROMIUM} missing)` };
  if (!appBuilt(log)) return { na: 'n/a (app not built)' };
  const { chromium } = await import('playwright-core');
  // launch() gives the browser a fresh user-data-dir of Playwright's own in the temp dir, removed on close.
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  const dropBrowser = onCleanup('the browser', () => browser.close());
  const url = `${base}/lesson/?id=${encodeURIComponent(lessonId)}`;
  const ms: number[] = [];
  const stages = Object.fromEntries(STAGES.map((k) => [k, [] as number[]])) as Record<Stage, number[]>;
  try {
    for (let i = 0; i <= learners; i++) {
      // Each page is timed on a quiet server: the previous learner's container is deleted first (its grace period ended).
      await quiet();
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        const marks: Partial<Record<Stage, number>> = {};
        let t0 = process.hrtime.bigint();
        watchFrames(page, () => t0, marks);
        t0 = process.hrtime.bigint();
        await page.goto(url, { waitUntil: 'commit', timeout: 30_000 });
        await page.waitForFunction(() => {
          const rows = document.querySelectorAll('[data-testid="terminal"] .xterm-rows > div');
          for (let r = rows.length - 1; r >= 0; r--) {
            const text = (rows[r].textContent ?? '').trim();
            if (text) return /[#$]$/.test(text);
          }
          return false;
        }, null, { timeout: 30_000, polling: 5 });
        const took = msSince(t0);
        if (i > 0) {
          ms.push(took);
          for (const k of STAGES) if (marks[k] !== undefined) stages[k].push(marks[k]);
        }
        log(`  browser learner ${i === 0 ? 'warm-up' : i}: prompt after ${took.toFixed(0)} ms`);
      } catch (e) {
        const msg = (e as Error).message.split('\n')[0];
        log(`  browser learner ${i}: ${msg}`);
        return { na: /Timeout/.test(msg) ? 'n/a (no prompt in 30 s)' : `n/a (${msg.slice(0, 60)})` };
      } finally {
        await context.close();
      }
    }
    return { ms, stages };
  } finally {
    await browser.close();
    dropBrowser();
  }
}
