// Markdown.tsx - lesson markdown rendered on the client: GFM, ```mermaid diagrams and ```sh run fences with a Run button.
'use client';
import type { ReactNode } from 'react';
import ReactMarkdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import { isHttpUrl } from '../lib/links.ts';
import { Mermaid } from './Mermaid.tsx';

interface HastNode { type: string; tagName?: string; value?: string; properties?: Record<string, unknown>; data?: { meta?: string | null }; children?: HastNode[] }

function textOf(node: HastNode): string {
  if (node.type === 'text') return node.value ?? '';
  return (node.children ?? []).map(textOf).join('');
}

function languageOf(code: HastNode): string | null {
  const cls = code.properties?.className;
  const list = Array.isArray(cls) ? cls.map(String) : typeof cls === 'string' ? cls.split(' ') : [];
  const lang = list.find((c) => c.startsWith('language-'));
  return lang ? lang.slice('language-'.length) : null;
}

function RunBlock({ command, children, onRun }: { command: string; children: ReactNode; onRun?: (command: string) => void }) {
  return (
    <div className="run-block">
      <pre>{children}</pre>
      <button type="button" className="run-button" disabled={!onRun} onClick={() => onRun?.(command)} aria-label={`Run in the terminal: ${command}`}>
        ▶ Run
      </button>
    </div>
  );
}

export function Markdown({ source, onRun }: { source: string; onRun?: (command: string) => void }) {
  const components: Components = {
    pre({ node, children }) {
      const code = (node as HastNode | undefined)?.children?.find((c) => c.type === 'element' && c.tagName === 'code');
      if (!code) return <pre>{children}</pre>;
      const lang = languageOf(code);
      // react-markdown keeps the fence's info string after the language in data.meta ("```sh run").
      const meta = (code.data?.meta ?? '').split(/\s+/);
      if (lang === 'mermaid') return <Mermaid code={textOf(code).trim()} />;
      if (meta.includes('run')) {
        // Each line is typed as the learner would type it; the final \r presses Enter.
        const command = textOf(code).replace(/\n+$/, '').split('\n').map((l) => l.replace(/^\$ /, '')).join('\r') + '\r';
        return <RunBlock command={command} onRun={onRun}>{children}</RunBlock>;
      }
      return <pre>{children}</pre>;
    },
    a({ href, children }) {
      if (href && isHttpUrl(href)) return <a href={href} target="_blank" rel="noopener noreferrer">{children}</a>;
      // Same-origin links (another lesson, an anchor) stay; javascript:, data: and the like become plain text.
      return href && /^(#|\/(?!\/)|\?|\.\.?\/)/.test(href) ? <a href={href}>{children}</a> : <span>{children}</span>;
    },
    // Lesson images may only come from the server's own origin (relative URLs).
    img({ src, alt }) {
      return typeof src === 'string' && !/^[a-z]+:/i.test(src) ? <img src={src} alt={alt ?? ''} loading="lazy" /> : <span>[{alt}]</span>;
    },
  };
  return <div className="prose"><ReactMarkdown remarkPlugins={[remarkGfm]} components={components}>{source}</ReactMarkdown></div>;
}
