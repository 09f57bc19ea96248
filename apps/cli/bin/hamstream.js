#!/usr/bin/env node
// Thin shim so the bin exists before `tsc -b` has run; the CLI itself is compiled TypeScript.
import { main } from '../dist/main.js';

process.exitCode = await main(process.argv);
