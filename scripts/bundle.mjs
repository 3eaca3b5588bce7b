// Bundles the compiled CLI into one ES module (dist/burrow.mjs) so a server
// starts without resolving ~180 separate modules (about 200 ms on this
// machine kind). Native and driver packages stay external (node_modules).
import { build } from 'esbuild';

await build({
  entryPoints: ['dist/src/cli/main.js'],
  outfile: 'dist/burrow.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['lmdb', 'pg', 'pg-native'],
  logLevel: 'warning',
});
