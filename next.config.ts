// next.config.ts - the browser lab is a static export (out/): the root server serves files and socket.io, never React.
import type { NextConfig } from 'next';

const config: NextConfig = {
  output: 'export', // no server-side React at runtime (DESIGN.md: the privileged process runs none)
  trailingSlash: true, // /lesson/ → out/lesson/index.html, served as a plain file
  images: { unoptimized: true }, // the image optimiser needs a server
  // app/ has its own compiler options (jsx, dom, bundler resolution); tsconfig.json stays the server's.
  typescript: { tsconfigPath: 'tsconfig.app.json' },
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;
