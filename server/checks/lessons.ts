// lessons.ts - reads lesson folders (lesson.md, steps/, challenge.md) into typed lessons, and a lesson's container options.
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import type { CreateOptions } from '../engine/container.ts';
import { mergeConfig, secureDefaults } from '../engine/config/index.ts';
import { UserError } from '../engine/errors.ts';
import { resolveImage } from '../engine/images/index.ts';
import { repoRoot } from '../engine/paths.ts';
import { permissions } from '../engine/seccomp/index.ts';
import { ID_PATTERN } from '../../app/lib/limits.ts'; // the protocol's id: lesson and step ids travel in socket events

export interface Step { id: string; title: string; markdown: string; verify: string /* abs path */; solve: string /* abs path */ }
export interface Lesson {
  id: string; dir: string; title: string; summary: string; order: number; minutes: number; image: string;
  container: unknown /* partial OCI config from frontmatter */; allow: string[]; markdown: string; steps: Step[]; challenge?: Step;
}

const STEP_FILE = /^(\d{2})-([a-z0-9][a-z0-9._-]*)\.md$/;
const SCRIPT_FILE = /^(.+)\.(verify|solve)\.sh$/;
export const defaultLessonsRoot = path.join(repoRoot, 'lessons');
/** The container's main process: it only has to stay alive; learners work in terminals (exec sessions). */
const KEEP_ALIVE = ['sleep', '1000000000'];

const lessonSchema = z.strictObject({
  title: z.string().trim().min(1),
  summary: z.string().trim().min(1),
  order: z.number().int().min(0),
  minutes: z.number().int().positive(),
  image: z.string().min(1).default('busybox'),
  container: z.record(z.string(), z.unknown()).optional(),
  allow: z.array(z.string()).default([]),
});
const stepSchema = z.strictObject({ title: z.string().trim().min(1) });

/** A path as a person reads it in an error: relative to the checkout when inside it. */
function shown(file: string): string {
  const rel = path.relative(repoRoot, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/** Splits `---\nYAML\n---\nbody`; a file without frontmatter is an error (every lesson file needs a title). */
function readFrontmatter(file: string): { data: unknown; body: string } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`${shown(file)}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const m = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text.replace(/^\uFEFF/, ''));
  if (!m) throw new UserError(`${shown(file)}: frontmatter is missing`, 'start the file with a --- line, YAML (title: ...), and another --- line');
  let data: unknown;
  try {
    data = YAML.parse(m[1]);
  } catch (e) {
    throw new UserError(`${shown(file)}: frontmatter: ${String((e as Error).message).split('\n')[0].replace(/:$/, '')}`);
  }
  return { data: data ?? {}, body: text.slice(m[0].length + (text.startsWith('\uFEFF') ? 1 : 0)).replace(/^\s*\n/, '') };
}

/** Validates frontmatter, naming the file and the field: `lessons/x/steps/02-pid.md: frontmatter: title is required`. */
function parseFrontmatter<S extends z.ZodType>(schema: S, data: unknown, file: string): z.infer<S> {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new UserError(`${shown(file)}: frontmatter: expected key: value lines`);
  }
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = issue.path.map(String).join('.');
  let what: string;
  if (issue.code === 'unrecognized_keys') {
    const known = Object.keys((schema as unknown as z.ZodObject).shape ?? {}).join(', ');
    what = `unknown key ${issue.keys.map((k) => `'${k}'`).join(', ')} (known keys: ${known})`;
  } else if (issue.path.length === 1 && (data as Record<string, unknown>)[field] === undefined) {
    what = `${field} is required`;
  } else {
    what = `${field}: ${issue.message}`;
  }
  throw new UserError(`${shown(file)}: frontmatter: ${what}`);
}

function requireFile(file: string, what: string): string {
  if (!fs.statSync(file, { throwIfNoEntry: false })?.isFile()) throw new UserError(`${shown(file)}: is missing (${what})`);
  return file;
}

/** One step (or the challenge) from its markdown file and the two scripts beside it. */
function loadStep(mdFile: string, id: string): Step {
  const { data, body } = readFrontmatter(mdFile);
  const { title } = parseFrontmatter(stepSchema, data, mdFile);
  const stem = mdFile.slice(0, -'.md'.length);
  return {
    id, title, markdown: body,
    verify: requireFile(`${stem}.verify.sh`, `every step has a verify script: exit 0 when done, last line the hint`),
    solve: requireFile(`${stem}.solve.sh`, `every step has a solve script: what a learner would type`),
  };
}

function loadSteps(stepsDir: string): Step[] {
  const names = fs.statSync(stepsDir, { throwIfNoEntry: false })?.isDirectory() ? fs.readdirSync(stepsDir).sort() : [];
  const steps: Step[] = [];
  const byNumber = new Map<string, string>();
  for (const name of names) {
    const file = path.join(stepsDir, name);
    const script = SCRIPT_FILE.exec(name);
    if (script) {
      if (!names.includes(`${script[1]}.md`)) throw new UserError(`${shown(file)}: belongs to no step (${script[1]}.md is missing)`);
      continue;
    }
    const m = STEP_FILE.exec(name);
    if (!m) throw new UserError(`${shown(file)}: not a step file`, 'steps are named NN-name.md (two digits, then lower-case letters, digits, . _ -), with NN-name.verify.sh and NN-name.solve.sh');
    const id = name.slice(0, -'.md'.length);
    if (!ID_PATTERN.test(id)) throw new UserError(`${shown(file)}: step id '${id}' is too long (at most 64 characters)`);
    const twin = byNumber.get(m[1]);
    if (twin) throw new UserError(`${shown(file)}: step number ${m[1]} is also used by ${twin}`);
    byNumber.set(m[1], name);
    steps.push(loadStep(file, id));
  }
  if (!steps.length) throw new UserError(`${shown(stepsDir)}: a lesson needs at least one step (steps/01-name.md)`);
  return steps;
}

/** Reads and validates one lesson folder; the folder name is the lesson id. */
export function loadLesson(dir: string): Lesson {
  dir = path.resolve(dir);
  const id = path.basename(dir);
  const lessonFile = path.join(dir, 'lesson.md');
  if (!ID_PATTERN.test(id)) throw new UserError(`${shown(dir)}: '${id}' is not a lesson id`, 'name lesson folders like 01-what-is-a-container (lower-case letters, digits, . _ -)');
  requireFile(lessonFile, 'a lesson folder needs lesson.md');
  const { data, body } = readFrontmatter(lessonFile);
  const meta = parseFrontmatter(lessonSchema, data, lessonFile);
  const unknown = meta.allow.filter((name) => !Object.hasOwn(permissions, name));
  if (unknown.length) {
    throw new UserError(`${shown(lessonFile)}: frontmatter: allow: unknown permission '${unknown[0]}'`, `known permissions: ${Object.keys(permissions).join(', ')}`);
  }
  // Validated now so a broken lesson fails when the lessons are listed, not when a learner opens it.
  baseConfig(meta.container, lessonFile);
  const challengeFile = path.join(dir, 'challenge.md');
  let challenge: Step | undefined;
  if (fs.existsSync(challengeFile)) challenge = loadStep(challengeFile, 'challenge');
  else for (const kind of ['verify', 'solve']) {
    const orphan = path.join(dir, `challenge.${kind}.sh`);
    if (fs.existsSync(orphan)) throw new UserError(`${shown(orphan)}: belongs to no step (challenge.md is missing)`);
  }
  return {
    id, dir, title: meta.title, summary: meta.summary, order: meta.order, minutes: meta.minutes, image: meta.image,
    container: meta.container ?? null, allow: meta.allow, markdown: body, steps: loadSteps(path.join(dir, 'steps')), challenge,
  };
}

/** Every lesson folder under root (a folder with lesson.md), sorted by `order`. */
/**
 * Every lesson in root, sorted by order. A broken lesson throws (tests, `glassbox lesson check`), unless `broken` is
 * given: then it is reported there and skipped, so one lesson an instructor is still writing cannot take the others down.
 */
export function loadLessons(root: string = defaultLessonsRoot, broken?: (problem: string) => void): Lesson[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(root, { withFileTypes: true });
  } catch (e) {
    throw new UserError(`${shown(root)}: cannot read the lessons folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const lessons = entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && !e.name.startsWith('_'))
    .flatMap((e) => {
      if (!broken) return [loadLesson(path.join(root, e.name))];
      try {
        return [loadLesson(path.join(root, e.name))];
      } catch (err) {
        broken(err instanceof UserError ? err.message : String(err));
        return [];
      }
    })
    .sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
  for (let i = 1; i < lessons.length; i++) {
    if (lessons[i].order === lessons[i - 1].order) {
      throw new UserError(`${shown(path.join(lessons[i].dir, 'lesson.md'))}: frontmatter: order ${lessons[i].order} is also used by ${lessons[i - 1].id}`);
    }
  }
  return lessons;
}

function baseConfig(partial: unknown, lessonFile: string) {
  return mergeConfig(secureDefaults({ args: KEEP_ALIVE, hostname: 'glassbox' }), partial ?? null, `${shown(lessonFile)}: container`);
}

/** What Container.create needs for a learner's container in this lesson: image, secure defaults + the lesson's config, permissions. */
export async function lessonContainerOptions(lesson: Lesson): Promise<CreateOptions> {
  const config = baseConfig(lesson.container, path.join(lesson.dir, 'lesson.md'));
  return { config, image: await resolveImage(lesson.image), allow: [...lesson.allow], allowHostBinds: false };
}
