// run-buttons.test.ts - a whole lesson completed through the browser: every step by its Run buttons, the challenge typed.
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
const LESSON = process.env.GLASSBOX_E2E_LESSON ?? '01-what-is-a-container';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'glassbox-e2e-run-'));
fs.chmodSync(root, 0o711);
process.env.GLASSBOX_ROOT = root;
process.env.GLASSBOX_CGROUP_PARENT = `glassbox-test-e2e-run-${process.pid}`;

let server: { url: string; close(): Promise<void> };
let browser: Browser;
let page: Page;

before(async () => {
  assert.ok(fs.existsSync(path.join(repo, 'out', 'lesson', 'index.html')), 'the app is built (npm run build:app)');
  const { buildDefaultImage } = await import('../server/engine/images/index.ts');
  await buildDefaultImage();
  const { startServer } = await import('../server/main.ts');
  server = await startServer({ port: 0, host: '127.0.0.1', graceMs: 60_000, log: () => {} });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking'] });
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

const statusOf = (id: string) => page.locator(`[data-step="${id}"] [data-testid="step-status"]`).getAttribute('data-status');

test(`lesson ${LESSON}, completed through the browser by its Run buttons`, { timeout: 240_000 }, async () => {
  try {
    await page.goto(new URL(`/lesson/?id=${LESSON}`, server.url).href);
    await page.waitForFunction(() => /#\s*$/m.test(((document.querySelector('[data-testid="terminal"] .xterm-rows') as HTMLElement | null)?.innerText ?? '').replace(/\u00a0/g, ' ')), null, { timeout: 30_000 });
    const steps = await page.locator('[data-step]').evaluateAll((els) => els.map((e) => e.getAttribute('data-step')!));
    assert.ok(steps.length >= 2, `the lesson shows its steps (${steps})`);
    for (const id of steps) {
      const buttons = page.locator(`[data-step="${id}"] .run-button`);
      const n = await buttons.count();
      if (id === 'challenge') {
        // a challenge comes without instructions: type what its solve script does, as a learner would
        assert.equal(n, 0, 'the challenge gives no Run buttons');
        const solve = fs.readFileSync(path.join(repo, 'lessons', LESSON, 'challenge.solve.sh'), 'utf8');
        for (const line of solve.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'))) {
          await page.locator('[data-testid="terminal"]').click();
          await page.keyboard.type(line, { delay: 2 });
          await page.keyboard.press('Enter');
        }
      } else {
        assert.ok(n > 0, `step ${id} has Run buttons`);
        for (let i = 0; i < n; i++) {
          await buttons.nth(i).click();
          await page.waitForTimeout(300); // let the shell take the line before the next one
        }
      }
      await page.waitForFunction((sid) => document.querySelector(`[data-step="${sid}"] [data-testid="step-status"]`)?.getAttribute('data-status') === 'done',
        id, { timeout: 30_000 }).catch(async () => {
        throw new Error(`step ${id} is ${await statusOf(id)}: ${await page.locator(`[data-step="${id}"] [data-testid="step-status"]`).innerText()}`);
      });
    }
  } catch (e) {
    fs.mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: path.join(shots, 'e2e-run-buttons.png'), fullPage: true }).catch(() => {});
    throw e;
  }
});
