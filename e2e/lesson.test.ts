// lesson.test.ts - the lab end to end: the real server, Debian's Chromium, a learner working through lesson 1.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const shots = path.join(repo, 'test-results');
const CHROMIUM = process.env.GLASSBOX_CHROMIUM ?? '/usr/bin/chromium';
const LESSON = '01-what-is-a-container';

// A private state root and cgroup parent, set before any engine module is imported (paths.ts reads them once).
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'glassbox-e2e-'));
fs.chmodSync(root, 0o711);
process.env.GLASSBOX_ROOT = root;
process.env.GLASSBOX_CGROUP_PARENT = `glassbox-test-e2e-${process.pid}`;

let server: { url: string; close(): Promise<void> };
let browser: Browser;
let page: Page;

before(async () => {
  assert.ok(fs.existsSync(path.join(repo, 'out', 'lesson', 'index.html')), 'the app is built (npm run build:app)');
  assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} exists (apt-get install chromium)`);
  const { buildDefaultImage } = await import('../server/engine/images/index.ts');
  await buildDefaultImage();
  const { startServer } = await import('../server/main.ts');
  server = await startServer({ port: 0, host: '127.0.0.1', graceMs: 60_000, log: () => {} });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
});

after(async () => {
  await browser?.close();
  await server?.close();
  const { cgroupDriver } = await import('../server/engine/cgroups/index.ts');
  const { mountsUnder } = await import('../server/engine/cleanup.ts');
  const left = [...mountsUnder(root), ...cgroupDriver().list().map((id) => `cgroup ${id}`)];
  fs.rmSync(root, { recursive: true, force: true });
  assert.deepEqual(left, [], 'the server left nothing behind');
});

/** Keep a screenshot of every failure. */
async function step(name: string, fn: () => Promise<void>) {
  try {
    await fn();
  } catch (e) {
    fs.mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: path.join(shots, `e2e-${name}.png`), fullPage: true }).catch(() => {});
    throw e;
  }
}

const terminalText = async () => (await page.locator('[data-testid="terminal"] .xterm-rows').innerText()).replace(/\u00a0/g, ' ');

async function waitForTerminal(pattern: RegExp, timeout = 20_000) {
  await page.waitForFunction(
    // innerText: one line per row (textContent runs the rows together); xterm renders spaces as no-break spaces
    ([src, flags]) => new RegExp(src, flags).test(((document.querySelector('[data-testid="terminal"] .xterm-rows') as HTMLElement | null)?.innerText ?? '').replace(/\u00a0/g, ' ')),
    [pattern.source, pattern.flags] as const, { timeout });
}

async function typeCommand(cmd: string) {
  await page.locator('[data-testid="terminal"]').click();
  await page.keyboard.type(cmd, { delay: 5 });
  await page.keyboard.press('Enter');
}

const stepStatus = (id: string) => page.locator(`[data-step="${id}"] [data-testid="step-status"]`);

test('a learner works through lesson 1 in a real container', { timeout: 180_000 }, async () => {
  await step('open', async () => {
    await page.goto(new URL(`/lesson/?id=${LESSON}`, server.url).href);
    await waitForTerminal(/root@\S+#\s*$/m, 30_000);
  });

  await step('hostname', async () => {
    await typeCommand('hostname glass');
    await page.locator('[data-testid="ns-panel"]', { hasText: 'glass' }).waitFor({ timeout: 15_000 });
    await page.waitForFunction((id) => document.querySelector(`[data-step="${id}"] [data-testid="step-status"]`)?.getAttribute('data-status') === 'done',
      '01-hostname', { timeout: 15_000 });
  });

  await step('upper-dir', async () => {
    await typeCommand('touch /etc/x');
    await page.locator('[data-testid="overlay-panel"] [data-path="etc/x"][data-kind="new"]').waitFor({ timeout: 15_000 });
    await page.waitForFunction((id) => document.querySelector(`[data-step="${id}"] [data-testid="step-status"]`)?.getAttribute('data-status') === 'done',
      '02-upper-dir', { timeout: 15_000 });
    assert.match(await stepStatus('01-hostname').innerText(), /done/);
  });

  let shellPid = '';
  await step('refresh', async () => {
    await typeCommand('echo shell=$$');
    await waitForTerminal(/shell=\d+/);
    shellPid = /shell=(\d+)/.exec(await terminalText())![1];
    await page.reload();
    // the screen comes back (the earlier commands are on it) and it is the same shell
    await waitForTerminal(/hostname glass/, 30_000);
    await typeCommand('echo again=$$');
    await waitForTerminal(/again=\d+/);
    assert.equal(/again=(\d+)/.exec(await terminalText())![1], shellPid, 'the same shell after a refresh');
  });

  await step('flood', async () => {
    await typeCommand('head -c 3000000 /dev/urandom | base64');
    await typeCommand('echo still-$((40+2))');
    await waitForTerminal(/still-42/, 90_000);
  });
});
