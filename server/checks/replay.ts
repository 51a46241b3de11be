// replay.ts - a lesson proven completable: lint it, then in a fresh container each step's verify fails, its solve runs, its verify passes.
import fs from 'node:fs';
import path from 'node:path';
import { Container } from '../engine/container.ts';
import { UserError } from '../engine/errors.ts';
import { loadLesson, lessonContainerOptions, type Lesson, type Step } from './lessons.ts';
import { runSolve, runVerify } from './verify.ts';

export interface StepReport { step: string; ok: boolean; message: string }

/** Mermaid diagram types (the first word of a diagram); a block that starts otherwise does not render. */
const MERMAID_TYPES = /^(flowchart|graph|sequenceDiagram|classDiagram|stateDiagram(-v2)?|erDiagram|gantt|pie|mindmap|timeline|journey|gitGraph|quadrantChart|block-beta|packet-beta|architecture-beta|sankey-beta|xychart-beta|requirementDiagram|C4Context)\b/;

function markdownOf(lesson: Lesson): Array<{ file: string; text: string }> {
  const files = [{ file: path.join(lesson.dir, 'lesson.md'), text: lesson.markdown }];
  for (const s of [...lesson.steps, ...(lesson.challenge ? [lesson.challenge] : [])]) {
    files.push({ file: s.verify.replace(/\.verify\.sh$/, '.md'), text: s.markdown });
  }
  return files;
}

/** Problems a loader does not see: mermaid blocks that cannot render, links to files that do not exist. */
export function lintLesson(dir: string): { lesson: Lesson | null; problems: string[] } {
  let lesson: Lesson;
  try {
    lesson = loadLesson(dir);
  } catch (e) {
    return { lesson: null, problems: [e instanceof UserError ? e.message : String(e)] };
  }
  const problems: string[] = [];
  const lessonsRoot = path.dirname(lesson.dir);
  for (const { file, text } of markdownOf(lesson)) {
    const rel = path.relative(lessonsRoot, file);
    for (const m of text.matchAll(/```mermaid\n([\s\S]*?)```/g)) {
      const body = m[1].trim();
      if (!MERMAID_TYPES.test(body)) problems.push(`${rel}: a mermaid block must start with a diagram type (flowchart, sequenceDiagram, ...): "${body.split('\n')[0]}"`);
      const opens = (body.match(/\[/g) ?? []).length, closes = (body.match(/\]/g) ?? []).length;
      if (opens !== closes) problems.push(`${rel}: a mermaid block has unbalanced [ ] (${opens} vs ${closes})`);
    }
    // links: http(s) are left to the reader; relative ones must exist (a lesson may link another lesson's folder or a file in it)
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1].split('#')[0];
      if (!target || /^(https?:|mailto:)/.test(m[1])) continue;
      if (/^[a-z]+:/.test(target)) { problems.push(`${rel}: link ${m[1]}: only http(s) and relative links`); continue; }
      const resolved = target.startsWith('/') ? path.join(lessonsRoot, target) : path.resolve(path.dirname(file), target);
      if (!fs.existsSync(resolved)) problems.push(`${rel}: link ${m[1]} does not resolve`);
    }
  }
  return { lesson, problems };
}

async function replayStep(step: Step, container: Container): Promise<StepReport> {
  const before = await runVerify(step, container);
  if (before.passed) return { step: step.id, ok: false, message: 'verify passes before the solve ran (it must check what the step changes)' };
  if (!before.hint) return { step: step.id, ok: false, message: 'a failing verify prints no hint' };
  const solved = await runSolve(step, container);
  if (solved.code !== 0) return { step: step.id, ok: false, message: `solve exited ${solved.code}: ${solved.output.trim().split('\n').slice(-3).join(' | ')}` };
  const after = await runVerify(step, container);
  if (!after.passed) return { step: step.id, ok: false, message: `verify fails after the solve: ${after.hint ?? after.output.trim()}` };
  return { step: step.id, ok: true, message: `verify failed ("${before.hint}"), solve ran, verify passed` };
}

/** Lint, then replay every step in order in one fresh container, as a learner would; stops at the first problem. */
export async function checkLesson(dir: string, onReport: (r: StepReport) => void = () => {}): Promise<StepReport[]> {
  const reports: StepReport[] = [];
  const report = (r: StepReport) => { reports.push(r); onReport(r); };
  const { lesson, problems } = lintLesson(dir);
  if (problems.length || !lesson) {
    for (const p of problems) report({ step: 'lint', ok: false, message: p });
    return reports;
  }
  report({ step: 'lint', ok: true, message: `${lesson.steps.length} steps${lesson.challenge ? ' and a challenge' : ''}` });
  const container = await Container.create({ ...(await lessonContainerOptions(lesson)), stdio: [-1, -1, -1], startNow: true });
  try {
    for (const step of [...lesson.steps, ...(lesson.challenge ? [lesson.challenge] : [])]) {
      const r = await replayStep(step, container);
      report(r);
      if (!r.ok) break;
    }
  } finally {
    await container.delete();
  }
  return reports;
}
