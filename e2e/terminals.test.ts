// terminals.test.ts - several shells in one container, as tabs: each its own shell, both back after a reload, one closed for good.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { startLab, terminalScreenMatches, type Lab } from './harness.ts';

let lab: Lab;
before(async () => { lab = await startLab('terminals'); });
after(async () => { await lab?.stop(); });

const panel = (page: Page, name: string) => page.getByRole('tabpanel', { name, includeHidden: true });
const screen = async (page: Page, name: string) =>
  ((await panel(page, name).locator('.xterm-rows').innerText()) ?? '').replace(/\u00a0/g, ' ');
async function typeIn(page: Page, name: string, cmd: string) {
  await panel(page, name).locator('[data-testid="terminal"]').click();
  await page.keyboard.type(cmd, { delay: 5 });
  await page.keyboard.press('Enter');
}
const until = (page: Page, name: string, pattern: RegExp) => page.waitForFunction(
  ([n, src]) => new RegExp(src).test((document.querySelector(`[role="tabpanel"][aria-label="${n}"] .xterm-rows`) as HTMLElement | null)?.innerText.replace(/\u00a0/g, ' ') ?? ''),
  [name, pattern.source] as const, { timeout: 20_000 });

test('two shells in the lesson container: separate processes, both re-attached after a reload, the second closed', { timeout: 120_000 }, async () => {
  const { page } = lab;
  try {
    await page.goto(new URL('/lesson/?id=01-what-is-a-container', lab.url).href);
    await terminalScreenMatches(page, /#\s*$/m, 30_000);
    await page.getByRole('button', { name: 'Open another terminal in this container' }).click();
    await until(page, 'shell 2', /#\s*$/m);
    await typeIn(page, 'shell 2', 'echo "two=$$"');
    await until(page, 'shell 2', /two=\d+/);
    await page.getByRole('tab', { name: 'shell 1' }).click();
    await typeIn(page, 'shell 1', 'echo "one=$$"');
    await until(page, 'shell 1', /one=\d+/);
    const one = /one=(\d+)/.exec(await screen(page, 'shell 1'))![1];
    const two = /two=(\d+)/.exec(await screen(page, 'shell 2'))![1];
    assert.notEqual(one, two, 'each tab is its own shell');

    await page.reload();
    await until(page, 'shell 1', new RegExp(`one=${one}`));
    await page.getByRole('tab', { name: 'shell 2' }).click();
    await until(page, 'shell 2', new RegExp(`two=${two}`));

    await page.getByRole('button', { name: 'Close shell 2' }).click();
    await page.getByRole('tab', { name: 'shell 2' }).waitFor({ state: 'detached', timeout: 10_000 });
    await page.reload();
    await terminalScreenMatches(page, new RegExp(`one=${one}`), 30_000);
    assert.equal(await page.getByRole('tab').count(), 1, 'a closed shell stays closed');
  } catch (e) {
    await lab.screenshot('terminals');
    throw e;
  }
});
