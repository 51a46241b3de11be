// diagrams.test.ts - every lesson's page renders in Chromium, and mermaid itself parses every diagram in it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { repo, startLab, type Lab } from './harness.ts';

let lab: Lab;
before(async () => { lab = await startLab('diagrams'); });
after(async () => { await lab?.stop(); });

const lessons = fs.readdirSync(path.join(repo, 'lessons'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && fs.existsSync(path.join(repo, 'lessons', d.name, 'lesson.md'))).map((d) => d.name).sort();

test('every lesson page renders and every mermaid diagram parses', { timeout: 300_000 }, async () => {
  const { page } = lab;
  for (const id of lessons) {
    try {
      await page.goto(new URL(`/lesson/?id=${id}`, lab.url).href);
      await page.locator('[data-step]').first().waitFor({ timeout: 30_000 });
      const fences = fs.readdirSync(path.join(repo, 'lessons', id), { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.md'))
        .reduce((n, f) => n + (fs.readFileSync(path.join(repo, 'lessons', id, f), 'utf8').match(/```mermaid/g)?.length ?? 0), 0);
      // wait until mermaid has drawn (or refused) every diagram on the page
      await page.waitForFunction((n) => document.querySelectorAll('figure.diagram:not(.loading)').length >= n, fences, { timeout: 60_000 });
      const failed = await page.locator('figure.diagram.failed figcaption').allInnerTexts();
      assert.deepEqual(failed, [], `${id}: ${failed.join('; ')}`);
      assert.equal(await page.locator('figure.diagram svg').count(), fences, `${id}: ${fences} diagrams drawn`);
    } catch (e) {
      await lab.screenshot(`diagrams-${id}`);
      throw e;
    }
  }
});
