// Waiting.tsx - the placeholder of a panel before its first snapshot arrives.
export function Waiting({ what }: { what: string }) {
  return <p className="waiting" aria-live="polite">Waiting for the kernel's view of {what}…</p>;
}
