// lesson.test.ts - the lab end to end: the real server, Debian's Chromium, a learner working through lesson 1.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startLab, stepDone, terminalScreenMatches, terminalText, typeCommand, type Lab } from './harness.ts';

const LESSON = '01-what-is-a-container';
let lab: Lab;
before(async () => { lab = await startLab('lesson'); });
after(async () => { await lab?.stop(); });

/** Keep a screenshot of every failure. */
async function step(name: string, fn: () => Promise<void>) {
  try {
    await fn();
  } catch (e) {
    await lab.screenshot(name);
    throw e;
  }
}

test('a learner works through lesson 1 in a real container', { timeout: 180_000 }, async () => {
  const { page } = lab;
  await step('open', async () => {
    await page.goto(new URL(`/lesson/?id=${LESSON}`, lab.url).href);
    await terminalScreenMatches(page, /root@\S+#\s*$/m, 30_000);
  });

  await step('hostname', async () => {
    await typeCommand(page, 'hostname glass');
    await page.locator('[data-testid="ns-panel"]', { hasText: 'glass' }).waitFor({ timeout: 15_000 });
    await stepDone(page, '01-hostname', 15_000);
  });

  await step('upper-dir', async () => {
    await typeCommand(page, 'touch /etc/x');
    await page.locator('[data-testid="overlay-panel"] [data-path="etc/x"][data-kind="new"]').waitFor({ timeout: 15_000 });
    await stepDone(page, '02-upper-dir', 15_000);
    assert.match(await page.locator('[data-step="01-hostname"] [data-testid="step-status"]').innerText(), /done/);
  });

  await step('refresh', async () => {
    await typeCommand(page, 'echo shell=$$');
    await terminalScreenMatches(page, /shell=\d+/);
    const shellPid = /shell=(\d+)/.exec(await terminalText(page))![1];
    await page.reload();
    // the screen comes back (the earlier commands are on it) and it is the same shell
    await terminalScreenMatches(page, /hostname glass/, 30_000);
    await typeCommand(page, 'echo again=$$');
    await terminalScreenMatches(page, /again=\d+/);
    assert.equal(/again=(\d+)/.exec(await terminalText(page))![1], shellPid, 'the same shell after a refresh');
  });

  await step('flood', async () => {
    await typeCommand(page, 'head -c 3000000 /dev/urandom | base64');
    await typeCommand(page, 'echo still-$((40+2))');
    await terminalScreenMatches(page, /still-42/, 90_000);
  });
});
