import { defineConfig } from 'vite';

// Preact through the automatic JSX runtime (no React, no Babel): Vite 8 transforms with oxc.
export default defineConfig({
  base: './',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 400,
  },
  server: {
    // `npm run dev -w @hamstream/dashboard` against a running `hamstream start`.
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/socket.io': { target: 'ws://127.0.0.1:8080', ws: true },
    },
  },
});
