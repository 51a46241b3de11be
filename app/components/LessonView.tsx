// LessonView.tsx - a lesson: its prose and steps on the left, the learner's container (terminal + panels) on the right.
'use client';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'next/navigation';
import Link from 'next/link';
import type { Failure, LessonContent } from '../lib/protocol.ts';
import { call, onReady } from '../lib/socket.ts';
import { ErrorNote } from './ErrorNote.tsx';
import { ErrorBoundary } from './ErrorBoundary.tsx';
import { Markdown } from './Markdown.tsx';
import { Steps } from './Steps.tsx';
import { Workbench } from './Workbench.tsx';
import type { TerminalHandle } from './Terminal.tsx';

const LESSON_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** The page already shows the title as its heading: drop a leading "# <title>" line that repeats it. */
function withoutTitle(markdown: string, title: string): string {
  const m = /^\s*#\s+(.+)\n/.exec(markdown);
  return m && m[1].trim() === title.trim() ? markdown.slice(m[0].length) : markdown;
}

export function LessonView() {
  const lessonId = useSearchParams().get('id') ?? '';
  const [lesson, setLesson] = useState<LessonContent | null>(null);
  const [containerId, setContainerId] = useState<string | null>(null);
  const [error, setError] = useState<Failure | null>(null);
  const terminal = useRef<TerminalHandle | null>(null);

  useEffect(() => {
    setLesson(null); setContainerId(null); setError(null);
    if (!LESSON_ID.test(lessonId)) {
      setError({ ok: false, message: lessonId ? `"${lessonId}" is not a lesson name` : 'no lesson was chosen', hint: 'pick one from the list of lessons' });
      return;
    }
    // Re-opened after a reconnect too: the server hands back the same container (or a new one after the grace period).
    return onReady(() => {
      void call('lesson:open', { lessonId }, 30_000).then((reply) => {
        if (!reply.ok) { setError(reply); return; }
        setError(null);
        setLesson(reply.lesson);
        setContainerId(reply.containerId);
      });
    });
  }, [lessonId]);

  useEffect(() => { if (lesson) document.title = `${lesson.title} — Glassbox`; }, [lesson]);
  const run = useCallback((command: string) => terminal.current?.type(command), []);

  if (error) {
    return (
      <div className="page narrow">
        <ErrorNote title="The lesson could not be opened" error={error} />
        <p><Link href="/">Back to the lessons</Link></p>
      </div>
    );
  }
  if (!lesson) return <p className="waiting page" aria-busy="true">Starting your container…</p>;
  return (
    <div className="lesson-layout">
      <article className="lesson-text-column" aria-labelledby="lesson-title">
        <p className="crumbs"><Link href="/">Lessons</Link> ›</p>
        <h1 id="lesson-title">{lesson.title}</h1>
        <p className="summary">{lesson.summary}</p>
        <ErrorBoundary label="The lesson text"><Markdown source={withoutTitle(lesson.markdown, lesson.title)} onRun={run} /></ErrorBoundary>
        <Steps lessonId={lesson.id} steps={lesson.steps} challenge={lesson.challenge} onRun={run} />
      </article>
      <section className="lesson-lab-column" aria-label="Your container">
        {containerId ? <Workbench containerId={containerId} terminalRef={terminal} /> : null}
      </section>
    </div>
  );
}
