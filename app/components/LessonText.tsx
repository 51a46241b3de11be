// LessonText.tsx - a lesson's prose and steps: its own chunk (the markdown renderer, and mermaid behind it), loaded after the terminal's first screen.
'use client';
import type { LessonContent } from '../lib/protocol.ts';
import { ErrorBoundary } from './ErrorBoundary.tsx';
import { Markdown } from './Markdown.tsx';
import { Steps } from './Steps.tsx';

/** The page already shows the title as its heading: drop a leading "# <title>" line that repeats it. */
function withoutTitle(markdown: string, title: string): string {
  const m = /^\s*#\s+(.+)\n/.exec(markdown);
  return m && m[1].trim() === title.trim() ? markdown.slice(m[0].length) : markdown;
}

export default function LessonText({ lesson, onRun }: { lesson: LessonContent; onRun: (command: string) => void }) {
  return (
    <>
      <ErrorBoundary label="The lesson text"><Markdown source={withoutTitle(lesson.markdown, lesson.title)} onRun={onRun} /></ErrorBoundary>
      <Steps lessonId={lesson.id} steps={lesson.steps} challenge={lesson.challenge} onRun={onRun} />
    </>
  );
}
