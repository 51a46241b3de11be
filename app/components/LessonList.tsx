// LessonList.tsx - lessons:list as cards with minutes and progress (done/steps).
'use client';
import { useEffect, useState } from 'react';
import Link from 'next/link';
import type { Failure, LessonSummary } from '../lib/protocol.ts';
import { call, onReady } from '../lib/socket.ts';
import { ErrorNote } from './ErrorNote.tsx';

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
            <Link href={`/lesson/?id=${encodeURIComponent(l.id)}`} className="lesson-link">
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
