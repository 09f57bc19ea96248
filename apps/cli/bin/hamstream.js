#!/usr/bin/env node
// Thin shim so the bin exists before `tsc -b` has run; the CLI itself is compiled TypeScript.
import { main } from '../dist/main.js';

// `hamstream … | head` closes the pipe early: that is not an error.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

process.exitCode = await main(process.argv);
