// run-buttons.test.ts - a whole lesson completed through the browser: every step by its Run buttons, the challenge typed.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { repo, startLab, stepDone, terminalScreenMatches, typeCommand, type Lab } from './harness.ts';

const LESSON = process.env.GLASSBOX_E2E_LESSON ?? '01-what-is-a-container';
let lab: Lab;
before(async () => { lab = await startLab('run'); });
after(async () => { await lab?.stop(); });

test(`lesson ${LESSON}, completed through the browser by its Run buttons`, { timeout: 240_000 }, async () => {
  const { page } = lab;
  try {
    await page.goto(new URL(`/lesson/?id=${LESSON}`, lab.url).href);
    await terminalScreenMatches(page, /#\s*$/m, 30_000);
    // the lesson text is drawn after the terminal's first screen
    await page.locator('[data-step]').first().waitFor({ timeout: 15_000 });
    const steps = await page.locator('[data-step]').evaluateAll((els) => els.map((e) => e.getAttribute('data-step')!));
    assert.ok(steps.length >= 2, `the lesson shows its steps (${steps})`);
    for (const id of steps) {
      const buttons = page.locator(`[data-step="${id}"] .run-button`);
      const n = await buttons.count();
      if (id === 'challenge') {
        // a challenge comes without instructions: type what its solve script does, as a learner would
        assert.equal(n, 0, 'the challenge gives no Run buttons');
        const solve = fs.readFileSync(path.join(repo, 'lessons', LESSON, 'challenge.solve.sh'), 'utf8');
        for (const line of solve.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'))) await typeCommand(page, line);
      } else {
        assert.ok(n > 0, `step ${id} has Run buttons`);
        for (let i = 0; i < n; i++) {
          await buttons.nth(i).click();
          await page.waitForTimeout(300); // let the shell take the line before the next one
        }
      }
      await stepDone(page, id).catch(async () => {
        throw new Error(`step ${id} is not done: ${await page.locator(`[data-step="${id}"] [data-testid="step-status"]`).innerText()}`);
      });
    }
  } catch (e) {
    await lab.screenshot('run-buttons');
    throw e;
  }
});
