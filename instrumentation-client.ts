// instrumentation-client.ts - Next runs this before React hydrates the page: on a lesson page, the socket, and the lesson's request (with its shell) start here, not after hydration.
import './app/lib/earlyLesson.ts';

