// LessonView.tsx - a lesson: its prose and steps on the left, the learner's container (terminal + panels) on the right.
'use client';
import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'next/navigation';
import Link from 'next/link';
import { ID_PATTERN } from '../lib/limits.ts';
import type { Failure, LessonContent } from '../lib/protocol.ts';
import { call, onReady } from '../lib/socket.ts';
import { openLessonWithShell, takeEarlyLesson, type LessonOpened, type OpenedShell } from '../lib/earlyLesson.ts';
import { ErrorNote } from './ErrorNote.tsx';
import { Workbench } from './Workbench.tsx';
import type { TerminalHandle } from './Terminal.tsx';

// The markdown renderer is the page's largest part and not what the learner waits for first: its own chunk.
const LessonText = lazy(() => import('./LessonText.tsx'));
/** The text is drawn when the terminal has shown its prompt, or after this long at the latest. */
const TEXT_AFTER_MS = 1_500;

interface Opened { lesson: LessonContent; containerId: string; shell?: OpenedShell }

export function LessonView() {
  const lessonId = useSearchParams().get('id') ?? '';
  const [opened, setOpened] = useState<Opened | null>(null);
  const [error, setError] = useState<Failure | null>(null);
  const [showText, setShowText] = useState(false);
  const terminal = useRef<TerminalHandle | null>(null);

  useEffect(() => {
    setOpened(null); setError(null); setShowText(false);
    if (!ID_PATTERN.test(lessonId)) {
      setError({ ok: false, message: lessonId ? `"${lessonId}" is not a lesson name` : 'no lesson was chosen', hint: 'pick one from the list of lessons' });
      return;
    }
    // The first open also brings the shell (sent by earlyLesson.ts before React ran, or now). After a reconnect the
    // lesson is opened again (the same container, or a new one after the grace period); its Terminal re-attaches itself.
    let first = true;
    return onReady(() => {
      const request = first ? (takeEarlyLesson(lessonId) ?? openLessonWithShell(lessonId)) : call('lesson:open', { lessonId }, 30_000);
      first = false;
      void request.then((reply) => {
        if (!reply.ok) { setError(reply); return; }
        setError(null);
        const shell = (reply as LessonOpened).shell;
        setOpened((prev) => (prev && prev.containerId === reply.containerId ? { ...prev, lesson: reply.lesson } : { lesson: reply.lesson, containerId: reply.containerId, shell }));
      });
    });
  }, [lessonId]);

  useEffect(() => {
    if (!opened) return;
    const timer = setTimeout(() => setShowText(true), TEXT_AFTER_MS);
    return () => clearTimeout(timer);
  }, [opened]);
  useEffect(() => { if (opened) document.title = `${opened.lesson.title} — Glassbox`; }, [opened]);
  const run = useCallback((command: string) => terminal.current?.type(command), []);
  const settled = useCallback(() => setShowText(true), []);

  if (error) {
    return (
      <div className="page narrow">
        <ErrorNote title="The lesson could not be opened" error={error} />
        <p><Link href="/" prefetch={false}>Back to the lessons</Link></p>
      </div>
    );
  }
  // The layout and the terminal come first, before the lesson's reply: xterm gets ready while the container is made.
  const waiting = <p className="waiting" aria-busy="true">{opened ? 'Loading the lesson text…' : 'Starting your container…'}</p>;
  return (
    <div className="lesson-layout">
      <article className="lesson-text-column" aria-labelledby="lesson-title">
        <p className="crumbs"><Link href="/" prefetch={false}>Lessons</Link> ›</p>
        <h1 id="lesson-title">{opened?.lesson.title ?? 'Opening the lesson…'}</h1>
        {opened && <p className="summary">{opened.lesson.summary}</p>}
        {opened && showText ? <Suspense fallback={waiting}><LessonText lesson={opened.lesson} onRun={run} /></Suspense> : waiting}
      </article>
      <section className="lesson-lab-column" aria-label="Your container">
        <Workbench containerId={opened?.containerId ?? null} terminalRef={terminal}
          initialShell={opened?.shell} onSettled={settled} />
      </section>
    </div>
  );
}
