// instrumentation-client.ts - Next runs this before React hydrates the page: on a lesson page, the socket, the lesson's request (with its shell) and xterm's code start here, not after hydration.
import './app/lib/earlyLesson.ts';

if (window.location.pathname.startsWith('/lesson')) {
  // The same chunks the Terminal imports: fetched and evaluated while React hydrates.
  void import('@xterm/xterm').catch(() => {});
  void import('@xterm/addon-fit').catch(() => {});
}
