// KeyBar.tsx - keys a touch keyboard lacks (Ctrl, Esc, Tab, arrows), shown only on coarse pointers.
'use client';

export interface KeyBarState { ctrl: boolean }

const KEYS: Array<{ label: string; name: string; seq: string }> = [
  { label: 'Esc', name: 'Escape', seq: '\x1b' },
  { label: 'Tab', name: 'Tab', seq: '\t' },
  { label: '←', name: 'Left arrow', seq: '\x1b[D' },
  { label: '↑', name: 'Up arrow', seq: '\x1b[A' },
  { label: '↓', name: 'Down arrow', seq: '\x1b[B' },
  { label: '→', name: 'Right arrow', seq: '\x1b[C' },
];

export function KeyBar({ ctrl, onCtrl, onKey }: { ctrl: boolean; onCtrl: () => void; onKey: (seq: string) => void }) {
  // preventDefault on mousedown keeps the focus (and the on-screen keyboard) in the terminal.
  return (
    <div className="keybar" role="toolbar" aria-label="Terminal keys">
      <button type="button" aria-pressed={ctrl} className={ctrl ? 'sticky on' : 'sticky'} onMouseDown={(e) => e.preventDefault()} onClick={onCtrl}>Ctrl</button>
      {KEYS.map((k) => (
        <button key={k.name} type="button" aria-label={k.name} onMouseDown={(e) => e.preventDefault()} onClick={() => onKey(k.seq)}>{k.label}</button>
      ))}
    </div>
  );
}
