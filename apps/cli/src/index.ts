export { CliError } from './cli-error.js';
export { buildProgram, main } from './main.js';
