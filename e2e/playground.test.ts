// playground.test.ts - the playground in the browser: a container from the edited config.json, its shell, panels and deletion.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startLab, terminalScreenMatches, terminalText, typeCommand, type Lab } from './harness.ts';

let lab: Lab;
before(async () => { lab = await startLab('playground'); });
after(async () => { await lab?.stop(); });

test('a playground container: its shell answers, its panels show it, and it can be deleted', { timeout: 120_000 }, async () => {
  const { page } = lab;
  try {
    await page.goto(new URL('/playground/', lab.url).href);
    await page.getByRole('button', { name: 'Create container' }).click();
    // the default config's hostname, in the prompt of a shell opened by terminal:open (no lesson, no prewarm)
    await terminalScreenMatches(page, /root@playground:\S*#\s*$/m, 30_000);
    await typeCommand(page, 'echo "pid=$$ in $(hostname)"');
    await terminalScreenMatches(page, /pid=\d+ in playground/, 15_000);
    await page.locator('[data-testid="ns-panel"]', { hasText: 'playground' }).waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: 'Delete container' }).click();
    await page.getByRole('button', { name: 'Create container' }).waitFor({ timeout: 15_000 });
    assert.doesNotMatch(await terminalText(page).catch(() => ''), /Error|undefined/);
  } catch (e) {
    await lab.screenshot('playground');
    throw e;
  }
});
