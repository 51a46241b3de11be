// lesson.ts - `glassbox lesson check DIR`: lint a lesson folder and replay it in a fresh container, a line per step.
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../engine/errors.ts';
import { reconcile } from '../engine/reconcile.ts';
import { checkLesson } from '../checks/replay.ts';

export async function lessonCommand(argv: string[]): Promise<number> {
  const [sub, ...dirs] = argv;
  if (sub !== 'check' || !dirs.length) throw new UserError('usage: glassbox lesson check DIR...   (a lesson folder: lesson.md, steps/, challenge.md)');
  await reconcile();
  let failed = 0;
  for (const d of dirs) {
    const dir = path.resolve(d);
    if (!fs.existsSync(path.join(dir, 'lesson.md'))) throw new UserError(`${d} is not a lesson folder (no lesson.md in it)`);
    process.stdout.write(`${path.basename(dir)}\n`);
    const reports = await checkLesson(dir, (r) => process.stdout.write(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.step.padEnd(20)} ${r.message}\n`));
    if (reports.some((r) => !r.ok)) { failed++; break; }
  }
  return failed ? 1 : 0;
}
