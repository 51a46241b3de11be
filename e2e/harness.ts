// harness.ts - the end-to-end tests' lab: a private state root, the real server, Debian's Chromium, and a leak check at the end.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const shots = path.join(repo, 'test-results');
const CHROMIUM = process.env.GLASSBOX_CHROMIUM ?? '/usr/bin/chromium';

export interface Lab { url: string; page: Page; stop(): Promise<void>; screenshot(name: string): Promise<void> }

/** Sets GLASSBOX_ROOT and a private cgroup parent before any engine module is imported (paths.ts reads them once). */
export async function startLab(name: string): Promise<Lab> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `glassbox-e2e-${name}-`));
  fs.chmodSync(root, 0o711);
  process.env.GLASSBOX_ROOT = root;
  process.env.GLASSBOX_CGROUP_PARENT = `glassbox-test-e2e-${name}-${process.pid}`;
  assert.ok(fs.existsSync(path.join(repo, 'out', 'lesson', 'index.html')), 'the app is built (npm run build:app)');
  assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} exists (apt-get install chromium)`);
  const { buildDefaultImage } = await import('../server/engine/images/index.ts');
  await buildDefaultImage();
  const { startServer } = await import('../server/main.ts');
  const server = await startServer({ port: 0, host: '127.0.0.1', graceMs: 60_000, log: () => {} });
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
  return {
    url: server.url,
    page,
    async screenshot(shot: string) {
      fs.mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: path.join(shots, `e2e-${shot}.png`), fullPage: true }).catch(() => {});
    },
    async stop() {
      await browser.close();
      await server.close();
      const { cgroupDriver } = await import('../server/engine/cgroups/index.ts');
      const { mountsUnder } = await import('../server/engine/cleanup.ts');
      const driver = cgroupDriver();
      // a container's cgroup may outlive close() by a moment while its last processes die: wait (bounded), then judge
      for (let i = 0; i < 100 && driver.list().length; i++) await new Promise((r) => setTimeout(r, 50));
      const left = [...mountsUnder(root), ...driver.list().map((id) => `cgroup ${id}`)];
      // the private parent too (empty by now): a test leaves no cgroup behind
      if (!left.length) await (driver as { removeParent?: () => Promise<void> }).removeParent?.();
      fs.rmSync(root, { recursive: true, force: true });
      assert.deepEqual(left, [], 'the server left nothing behind');
    },
  };
}

/** The terminal's screen as text: innerText gives one line per row; xterm renders spaces as no-break spaces. */
export function terminalScreenMatches(page: Page, pattern: RegExp, timeout = 20_000) {
  return page.waitForFunction(
    ([src, flags]) => new RegExp(src, flags).test(((document.querySelector('[data-testid="terminal"] .xterm-rows') as HTMLElement | null)?.innerText ?? '').replace(/\u00a0/g, ' ')),
    [pattern.source, pattern.flags] as const, { timeout });
}

export async function terminalText(page: Page): Promise<string> {
  return (await page.locator('[data-testid="terminal"] .xterm-rows').innerText()).replace(/\u00a0/g, ' ');
}

export async function typeCommand(page: Page, cmd: string) {
  await page.locator('[data-testid="terminal"]').click();
  await page.keyboard.type(cmd, { delay: 5 });
  await page.keyboard.press('Enter');
}

export function stepDone(page: Page, id: string, timeout = 30_000) {
  return page.waitForFunction((sid) => document.querySelector(`[data-step="${sid}"] [data-testid="step-status"]`)?.getAttribute('data-status') === 'done', id, { timeout });
}
