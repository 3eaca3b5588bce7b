// Makes the `burrow` binary from the tsc output (docs/architecture.md, Build):
//
// - dist/burrow-bundle.cjs: the CLI (dist/src/cli/main.js and everything it
//   imports) as one CommonJS script, so a command resolves no modules and its
//   modules initialise on first use (esbuild's lazy init wrappers behind the
//   CLI's dynamic imports). lmdb's CommonJS build and its JS dependencies are
//   bundled too; its native addon loads from node_modules as before. `pg`
//   stays external (only `burrow sql` loads it).
// - dist/burrow.mjs: a launcher that compiles the bundle with vm.Script and a
//   V8 code cache (Node 20 has no module.enableCompileCache). The cache holds
//   the bytecode of what ran in a command's first second, so later starts
//   skip parsing and lazy compilation. It lives next to the bundle
//   (burrow-bundle.<start|cli>.v8cache: servers and other commands run
//   different code), is keyed by the bundle's size and mtime, carries its
//   length and SHA-1 (V8 checks Node version and flags, not the data) and is
//   checked by V8; missing, stale, damaged or rejected, the bundle compiles
//   normally and the cache is rewritten (atomically; a read-only dist/ just
//   goes without). BURROW_CODE_CACHE=0 disables it.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const dist = 'dist';
const bundleName = 'burrow-bundle.cjs';
const bundleFile = path.join(dist, bundleName);
// lmdb's CommonJS build (its "require" export), bundled with its JS
// dependencies (msgpackr, ordered-binary, weak-lru-cache, node-gyp-build...).
const lmdbEntry = createRequire(path.resolve('package.json')).resolve('lmdb');

// What `import ... from 'lmdb'` resolves to. msgpackr's optional native string
// extractor (msgpackr-extract, a second addon) is not loaded: it speeds up
// msgpack decoding only, and Burrow's LMDB databases use binary keys and values.
const lmdbShim = `
const name = 'MSGPACKR_NATIVE_ACCELERATION_DISABLED';
const saved = process.env[name];
process.env[name] = 'true';
try {
  module.exports = require(${JSON.stringify(lmdbEntry)});
} finally {
  if (saved === undefined) delete process.env[name];
  else process.env[name] = saved;
}
`;

await build({
  entryPoints: [path.join(dist, 'src/cli/main.js')],
  outfile: bundleFile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  charset: 'ascii',
  // Less to read at each start (the source is still needed next to the code
  // cache); identifiers stay, so stack traces keep their function names.
  minifyWhitespace: true,
  minifySyntax: true,
  external: ['pg', 'pg-native', 'msgpackr-extract'],
  // import() of the externals becomes require() (pg is CommonJS), so the
  // bundle needs no dynamic-import support from vm.Script.
  supported: { 'dynamic-import': false },
  // version.ts locates package.json from its own URL: the bundle's, which the
  // launcher passes in (a banner would come before "use strict").
  define: { 'import.meta.url': '__burrowBundleUrl' },
  logOverride: {
    // Any other import.meta would silently be {} in CommonJS: fail the build instead.
    'empty-import-meta': 'error',
    // lmdb's require.resolve('lmdb') below runs against the installed package.
    'require-resolve-not-external': 'silent',
  },
  plugins: [{
    name: 'lmdb',
    setup(b) {
      b.onResolve({ filter: /^lmdb$/ }, () => ({ path: 'lmdb', namespace: 'burrow-lmdb' }));
      b.onLoad({ filter: /.*/, namespace: 'burrow-lmdb' }, () => ({ contents: lmdbShim, loader: 'js', resolveDir: path.dirname(lmdbEntry) }));
      // lmdb finds its native addon (and its compression dictionary) from
      // __filename, which in the bundle would be the bundle's: give it its own.
      b.onLoad({ filter: /\.cjs$/ }, (a) => (a.path === lmdbEntry
        ? { contents: `var __filename = require.resolve('lmdb');\n${fs.readFileSync(a.path, 'utf8')}`, loader: 'js' }
        : undefined));
    },
  }],
  logLevel: 'warning',
});

let code = fs.readFileSync(bundleFile, 'utf8');
// The launcher wraps the bundle in a function, where a hashbang is a syntax error.
if (code.startsWith('#!')) code = `//${code.slice(2)}`;
// esbuild keeps non-ASCII characters in regular expressions and comments; escaped,
// the source is a one-byte string for V8 (half the memory, faster to read).
code = code.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
// Node built-ins:
// - esbuild turns a default import into __toESM(require(...), 1), which defines
//   a getter per export (~2,000 for the ~25 imports a server initialises); an
//   object inheriting from the module reads the same.
// - Some are loaded on first use (a property read), not when the importing
//   module initialises: tls (only a secure server uses it) and zlib (backups).
const lazyBuiltins = ['tls', 'zlib'];
const helpers = 'var __burrowBuiltin=(mod)=>({__proto__:mod,default:mod});'
  + 'var __burrowLazy=(id,mod)=>new Proxy({},{get:(_,k)=>(mod??=require(id))[k],has:(_,k)=>k in(mod??=require(id))});';
const strict = '"use strict";';
const at = code.indexOf(strict);
if (at < 0 || code.slice(0, at).trim().split('\n').some((l) => !l.startsWith('//'))) {
  throw new Error(`${bundleFile}: expected the bundle to start with ${strict}`);
}
code = code.slice(0, at + strict.length) + helpers + code.slice(at + strict.length)
  .replace(/\b__toESM\((require\("node:[a-z_/]+"\)),\s*1\)/g, '__burrowBuiltin($1)')
  .replace(new RegExp(`\\brequire\\("(?:node:)?(${lazyBuiltins.join('|')})"\\)`, 'g'), '__burrowLazy("node:$1")');
fs.writeFileSync(bundleFile, code);

const launcher = `#!/usr/bin/env node
// The burrow binary: runs ${bundleName} as a CommonJS module, compiled with a
// V8 code cache (see scripts/bundle.mjs).
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const filename = fileURLToPath(new URL('./${bundleName}', import.meta.url));
const useCache = process.env.BURROW_CODE_CACHE !== '0';
// A server and the other commands run different code: one cache each. The
// parent of a --background start only waits for its child.
const argv = process.argv.slice(2);
const kind = (argv[0] === 'start-single-node' || argv[0] === 'start') && !argv.includes('--background') ? 'start' : 'cli';
const cacheFile = filename.replace(/[.]cjs$/, '.' + kind + '.v8cache');

// In a function, so that only the script stays referenced (not the file
// contents or the cache read).
function compile() {
  const fd = fs.openSync(filename, 'r');
  const { size, mtimeMs } = fs.fstatSync(fd);
  // ASCII only (the build escapes the rest): latin1 is the cheapest decoding.
  const source = fs.readFileSync(fd, 'latin1');
  fs.closeSync(fd);
  // The first line names the bundle and the runtime it was made for, and the
  // data's length and digest: V8 checks versions and flags but not the data
  // itself (a damaged cache can crash or hang it).
  const identity = ['burrow-v8-cache', 2, size, mtimeMs, process.version, process.arch].join(' ');
  let cachedData;
  if (useCache) {
    try {
      const b = fs.readFileSync(cacheFile);
      const nl = b.indexOf(10);
      const [id, length, digest] = nl < 0 ? [] : b.latin1Slice(0, nl).split(' | ');
      const data = b.subarray(nl + 1);
      if (id === identity && Number(length) === data.length && sha1(data) === digest) cachedData = data;
    } catch {
      // no cache yet
    }
  }
  const script = new vm.Script('(function (exports, require, module, __filename, __dirname, __burrowBundleUrl) {' + source + '\\n})', {
    filename,
    cachedData,
    importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  return { script, identity, stale: !cachedData || script.cachedDataRejected };
}

function sha1(data) {
  return createHash('sha1').update(data).digest('hex');
}

const { script, identity, stale } = compile();
if (useCache && stale) {
  let written = false;
  const write = () => {
    if (written) return;
    written = true;
    const tmp = cacheFile + '.' + process.pid + '.tmp';
    try {
      const data = script.createCachedData();
      fs.writeFileSync(tmp, Buffer.concat([Buffer.from([identity, data.length, sha1(data)].join(' | ') + '\\n', 'latin1'), data]));
      fs.renameSync(tmp, cacheFile);
    } catch {
      try {
        fs.unlinkSync(tmp);
      } catch {
        // never created
      }
    }
  };
  // Once the start-up code has run (a server: listening, its first queries);
  // a shorter command writes it as it exits.
  setTimeout(write, 1000).unref();
  process.once('exit', write);
}
const module = { exports: {}, filename, id: filename, loaded: false };
script.runInThisContext()(module.exports, createRequire(filename), module, filename, path.dirname(filename), pathToFileURL(filename).href);
`;
fs.writeFileSync(path.join(dist, 'burrow.mjs'), launcher, { mode: 0o755 });
fs.chmodSync(path.join(dist, 'burrow.mjs'), 0o755);

// Caches of an earlier build are stale (their header would not match anyway).
for (const f of fs.readdirSync(dist)) {
  if (f.endsWith('.v8cache') || (f.includes('.v8cache.') && f.endsWith('.tmp'))) fs.rmSync(path.join(dist, f), { force: true });
}
