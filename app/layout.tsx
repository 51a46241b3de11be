// layout.tsx - the page frame (header, skip link, connection badge) around every route of the static export.
import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import Link from 'next/link';
import { ConnectionBadge } from './components/ConnectionBadge.tsx';
import './globals.css';

export const metadata: Metadata = {
  title: 'Glassbox — a container-internals lab',
  description: 'Real Linux containers with glass walls: namespaces, cgroups, overlayfs and seccomp, live.',
  icons: { icon: '/favicon.svg' },
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1, themeColor: '#0f1419' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">Skip to content</a>
        <header className="site-header">
          <Link href="/" prefetch={false} className="brand"><span className="brand-mark" aria-hidden="true">▣</span> Glassbox</Link>
          <nav aria-label="Main">
            <Link href="/" prefetch={false}>Lessons</Link>
            <Link href="/playground/" prefetch={false}>Playground</Link>
          </nav>
          <ConnectionBadge />
        </header>
        <main id="main">{children}</main>
      </body>
    </html>
  );
}
