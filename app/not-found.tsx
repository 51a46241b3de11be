// not-found.tsx - the 404 page of the static export.
import Link from 'next/link';

export default function NotFound() {
  return (
    <div className="page narrow">
      <h1>Not here</h1>
      <p>There is no such page. <Link href="/">Back to the lessons</Link>.</p>
    </div>
  );
}
