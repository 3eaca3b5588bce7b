// Owns the package's public entry point: the embedded API.
export { open, type Database, type OpenOptions, type QueryResult } from './server/embedded.js';
