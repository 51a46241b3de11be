// Steps.tsx - a lesson's steps with their check status (data-testid="step-status"), a Check button and live step:status pushes.
'use client';
import { useEffect, useState } from 'react';
import type { LessonStep, StepStatus } from '../lib/protocol.ts';
import { call, on } from '../lib/socket.ts';
import { Markdown } from './Markdown.tsx';

type Status = { status: StepStatus; hint?: string };

const LABEL: Record<StepStatus, string> = { pending: 'pending', checking: 'checking', done: 'done', failed: 'failed' };

export function Steps({ lessonId, steps, challenge, onRun }: { lessonId: string; steps: LessonStep[]; challenge?: LessonStep; onRun: (command: string) => void }) {
  const all = challenge ? [...steps, challenge] : steps;
  const [status, setStatus] = useState<Record<string, Status>>(() => Object.fromEntries(all.map((s) => [s.id, { status: s.status, hint: s.hint }])));

  useEffect(() => {
    setStatus(Object.fromEntries(all.map((s) => [s.id, { status: s.status, hint: s.hint }])));
    return on('step:status', (msg) => {
      if (msg.lessonId !== lessonId) return;
      // Once passed stays passed: a late "checking" push does not undo a done.
      setStatus((prev) => (prev[msg.stepId]?.status === 'done' ? prev : { ...prev, [msg.stepId]: { status: msg.status, hint: msg.hint } }));
    });
  }, [lessonId, steps, challenge]);

  const check = async (stepId: string) => {
    setStatus((prev) => ({ ...prev, [stepId]: { status: 'checking' } }));
    const reply = await call('step:check', { lessonId, stepId }, 30_000);
    setStatus((prev) => ({ ...prev, [stepId]: reply.ok ? { status: reply.status, hint: reply.hint } : { status: 'failed', hint: `${reply.message}${reply.hint ? ` — ${reply.hint}` : ''}` } }));
  };

  const done = all.filter((s) => status[s.id]?.status === 'done').length;
  return (
    <section className="steps" aria-labelledby="steps-title">
      <h2 id="steps-title">Steps <span className="muted">{done}/{all.length} done</span></h2>
      <ol>
        {all.map((step, i) => {
          const s = status[step.id] ?? { status: 'pending' as const };
          const isChallenge = challenge?.id === step.id && i === all.length - 1;
          return (
            <li key={step.id} className={`step step-${s.status}`} data-step={step.id}>
              <h3>{isChallenge ? 'Challenge: ' : ''}{step.title}</h3>
              <Markdown source={step.markdown} onRun={onRun} />
              <div className="step-footer">
                <p className="step-status" data-testid="step-status" data-status={s.status} aria-live="polite">
                  {LABEL[s.status]}
                  {s.hint && s.status !== 'done' && <span className="hint"> — {s.hint}</span>}
                </p>
                <button type="button" onClick={() => void check(step.id)} disabled={s.status === 'checking'}>Check</button>
              </div>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
