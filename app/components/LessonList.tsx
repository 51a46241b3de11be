// LessonList.tsx - lessons:list as cards with minutes and progress (done/steps); a click starts the lesson's container at once.
'use client';
import { useEffect, useState } from 'react';
import Link from 'next/link';
import type { Failure, LessonSummary } from '../lib/protocol.ts';
import { call, onReady } from '../lib/socket.ts';
import { openLessonEarly } from '../lib/earlyLesson.ts';
import { ErrorNote } from './ErrorNote.tsx';

/** The primary button without a modifier: the link opens here, not in a new tab or window. */
const plain = (e: { button: number; metaKey: boolean; ctrlKey: boolean; shiftKey: boolean; altKey: boolean }) =>
  e.button === 0 && !e.metaKey && !e.ctrlKey && !e.shiftKey && !e.altKey;

export function LessonList() {
  const [lessons, setLessons] = useState<LessonSummary[] | null>(null);
  const [error, setError] = useState<Failure | null>(null);

  useEffect(() => onReady(() => {
    void call('lessons:list', {}).then((reply) => {
      if (reply.ok) { setLessons(reply.lessons); setError(null); } else setError(reply);
    });
  }), []);

  if (error) return <ErrorNote title="The lessons could not be loaded" error={error} />;
  if (!lessons) return <p className="waiting" aria-busy="true">Loading the lessons…</p>;
  if (lessons.length === 0) return <p>No lessons are installed. Add a folder under <code>lessons/</code>.</p>;
  return (
    <ol className="lesson-list" aria-label="Lessons">
      {lessons.map((l) => {
        const pct = l.steps ? Math.round((l.done / l.steps) * 100) : 0;
        return (
          <li key={l.id} className="lesson-card" data-testid="lesson-card">
            <Link href={`/lesson/?id=${encodeURIComponent(l.id)}`} className="lesson-link"
              // A plain click opens the lesson in this tab: its container and shell are asked for at once, while the
              // page renders; with a mouse already as the button goes down (a touch may still become a scroll).
              onPointerDown={(e) => { if (e.pointerType === 'mouse' && plain(e)) openLessonEarly(l.id); }}
              onClick={(e) => { if (plain(e)) openLessonEarly(l.id); }}>
              <span className="lesson-order">{l.order}</span>
              <span className="lesson-text">
                <span className="lesson-title">{l.title}</span>
                <span className="lesson-summary">{l.summary}</span>
              </span>
              <span className="lesson-meta">
                <span>{l.minutes} min</span>
                <span className="progress" aria-label={`${l.done} of ${l.steps} steps done`}>
                  <span className="progress-bar"><span className="progress-fill" style={{ width: `${pct}%` }} /></span>
                  <span>{l.done}/{l.steps}</span>
                </span>
              </span>
            </Link>
          </li>
        );
      })}
    </ol>
  );
}
