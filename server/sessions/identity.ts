// identity.ts - the anonymous learner id: a random 128-bit value in an HttpOnly, SameSite=Strict cookie.
import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const COOKIE_NAME = 'glassbox_learner';
const LEARNER_ID = /^[a-f0-9]{32}$/;

export function newLearnerId(): string {
  return crypto.randomBytes(16).toString('hex');
}

export function isLearnerId(value: unknown): value is string {
  return typeof value === 'string' && LEARNER_ID.test(value);
}

/** The learner id from a request's Cookie header, or null (absent or malformed: never trusted as anything else). */
export function learnerIdFrom(req: Pick<IncomingMessage, 'headers'>): string | null {
  const header = req.headers.cookie;
  if (typeof header !== 'string' || header.length > 8192) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === COOKIE_NAME) {
      const value = part.slice(eq + 1).trim();
      return isLearnerId(value) ? value : null;
    }
  }
  return null;
}

/** The Set-Cookie value: script cannot read it (HttpOnly), other sites cannot send it (SameSite=Strict). */
export function learnerCookie(id: string, secure: boolean): string {
  // A year: progress is tied to it, and it says nothing about the person.
  return `${COOKIE_NAME}=${id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=31536000${secure ? '; Secure' : ''}`;
}
