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

/** Marks each stage once, from t0; nothing while t0 gives null (the home page loading before a pick). */
function watchFrames(page: import('playwright-core').Page, t0: () => bigint | null, marks: Partial<Record<Stage, number>>): void {
  const mark = (stage: Stage) => { const t = t0(); if (t !== null) marks[stage] ??= msSince(t); };
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

/** How the learner reaches the lesson: its card picked on the home page (the lab's own flow), or its URL typed into a fresh browser. */
export type PromptFlow = 'pick' | 'url';
/** The home page is left this long before the click: what it loads when idle (xterm's code) is then loaded, as for a reader. */
const READ_MS = 1_000;

async function promptShown(page: import('playwright-core').Page): Promise<void> {
  await page.waitForFunction(() => {
    const rows = document.querySelectorAll('[data-testid="terminal"] .xterm-rows > div');
    for (let r = rows.length - 1; r >= 0; r--) {
      const text = (rows[r].textContent ?? '').trim();
      if (text) return /[#$]$/.test(text);
    }
    return false;
  }, null, { timeout: 30_000, polling: 5 });
}

/**
 * `learners` fresh browser contexts (each a new cookie, hence a new learner and a new container), after one warm-up
 * that is not counted (it pays for the first read of the bundles from disk), each after the previous learner's
 * container is gone (a deletion under way would be timed too). Each is timed until the terminal's last non-empty row
 * (xterm's DOM renderer, which the app keeps under automation) ends in "#" or "$", from:
 *  - pick: the click on the lesson's card, on a home page loaded and left alone for READ_MS (a new tab's first visit
 *    otherwise: nothing of the lesson page is cached beyond what the home page itself loaded or prefetched);
 *  - url: page.goto of the lesson's URL in the fresh context (a new renderer process, an empty cache: the cold case).
 */
export async function timePrompt(flow: PromptFlow, base: string, lessonId: string, learners: number, log: (msg: string) => void, quiet: () => Promise<void>): Promise<PromptResult> {
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
        let t0: bigint | null = null;
        watchFrames(page, () => t0, marks);
        if (flow === 'pick') {
          await page.goto(`${base}/`, { timeout: 30_000 });
          const card = page.locator(`[data-testid="lesson-card"] a[href*="id=${encodeURIComponent(lessonId)}"]`);
          await card.waitFor({ timeout: 30_000 });
          await page.waitForTimeout(READ_MS);
          t0 = process.hrtime.bigint();
          await card.click({ timeout: 30_000 });
        } else {
          t0 = process.hrtime.bigint();
          await page.goto(url, { waitUntil: 'commit', timeout: 30_000 });
        }
        await promptShown(page);
        const took = msSince(t0);
        if (i > 0) {
          ms.push(took);
          for (const k of STAGES) if (marks[k] !== undefined) stages[k].push(marks[k]);
        }
        log(`  ${flow} learner ${i === 0 ? 'warm-up' : i}: prompt after ${took.toFixed(0)} ms`);
      } catch (e) {
        const msg = (e as Error).message.split('\n')[0];
        log(`  ${flow} learner ${i}: ${msg}`);
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
