/**
 * @hamstream/protocol: wire contracts shared by the ingest daemon, the server and the dashboard.
 * Types and plain JSON schemas only; no socket.io import (the event maps plug into socket.io's generics).
 */
export * from './ingest.js';
export * from './live.js';
export * from './rest.js';
