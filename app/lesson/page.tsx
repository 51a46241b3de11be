// lesson/page.tsx - /lesson/?id=<lesson>: a query parameter, so a lesson added on the server needs no rebuild.
import { Suspense } from 'react';
import { LessonView } from '../components/LessonView.tsx';

export default function LessonPage() {
  // useSearchParams needs a Suspense boundary in a static export (the id is only known in the browser).
  return <Suspense fallback={<p className="waiting page">Loading the lesson…</p>}><LessonView /></Suspense>;
}
