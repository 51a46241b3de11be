// home.test.ts - the learner's way in: the home page lists the lessons, and picking one opens it with its shell, asked for once.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startLab, terminalScreenMatches, terminalText, typeCommand, type Lab } from './harness.ts';

let lab: Lab;
before(async () => { lab = await startLab('home'); });
after(async () => { await lab?.stop(); });

test('the home page lists every lesson; a click opens one with a shell, asked for once as the button went down', { timeout: 120_000 }, async () => {
  const { page } = lab;
  try {
    // Every frame the page sends, from the start: the click must not cost a second lesson:open (the page takes the
    // one sent at the click) nor a terminal:open (the shell came with the lesson).
    const sent: string[] = [];
    page.on('websocket', (ws) => ws.on('framesent', ({ payload }) => { sent.push(String(payload)); }));
    await page.goto(new URL('/', lab.url).href);
    const cards = page.getByTestId('lesson-card');
    await cards.first().waitFor({ timeout: 30_000 });
    assert.equal(await cards.count(), 8, 'the eight lessons of the curriculum');
    assert.match(await cards.first().innerText(), /What a container is[\s\S]*0\/\d+/);

    // The button going down asks for the lesson (its container and shell are made while the page changes): the request
    // is out before the click, while the home page is still shown.
    const before = sent.length;
    const link = cards.filter({ hasText: 'What a container is' }).getByRole('link');
    const box = (await link.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    const asked = Date.now() + 10_000;
    while (!sent.slice(before).some((f) => f.includes('"lesson:open"')) && Date.now() < asked) await page.waitForTimeout(20);
    assert.equal(new URL(page.url()).pathname, '/', 'still on the home page');
    assert.ok(sent.slice(before).some((f) => f.includes('"lesson:open"')), 'lesson:open sent as the button went down');
    await page.mouse.up();
    await page.waitForURL(/\/lesson\/\?id=01-what-is-a-container$/);
    await terminalScreenMatches(page, /root@\S+#\s*$/m, 30_000);
    await typeCommand(page, 'echo picked-$((40+2))');
    await terminalScreenMatches(page, /picked-42/);
    const events = sent.slice(before).map((f) => /^42\d*\["([^"]+)"/.exec(f)?.[1]).filter(Boolean);
    assert.equal(events.filter((e) => e === 'lesson:open').length, 1, `one lesson:open after the click: ${events.join(' ')}`);
    assert.equal(events.filter((e) => e === 'terminal:open').length, 0, `no separate terminal:open: ${events.join(' ')}`);
    assert.equal(await page.getByTestId('terminal').count(), 1, 'one terminal on the page');

    // Back to the list and in again: the same shell (its screen still shows the command), still one terminal.
    await page.locator('.crumbs').getByRole('link', { name: 'Lessons' }).click();
    await cards.first().waitFor({ timeout: 30_000 });
    await cards.filter({ hasText: 'What a container is' }).getByRole('link').click();
    await terminalScreenMatches(page, /picked-42/, 30_000);
    assert.match(await terminalText(page), /echo picked/);
    assert.equal(await page.getByTestId('terminal').count(), 1, 'one terminal on the page');
  } catch (e) {
    await lab.screenshot('home');
    throw e;
  }
});
