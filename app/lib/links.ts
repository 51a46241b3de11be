// links.ts - the only way a link in terminal output leaves the page: http(s) only, in a new tab without an opener.
'use client';

export function isHttpUrl(uri: string): boolean {
  try {
    const url = new URL(uri);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Opens uri if it is http(s); anything else (javascript:, file:, data:) is ignored. */
export function openHttpLink(uri: string): void {
  if (!isHttpUrl(uri)) return;
  const opened = window.open(uri, '_blank', 'noopener,noreferrer');
  if (opened) opened.opener = null;
}
