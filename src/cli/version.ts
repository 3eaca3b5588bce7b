// Owns `burrow version` and the build line the server prints.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function packageVersion(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const p = path.join(dir, 'package.json');
    if (fs.existsSync(p)) return (JSON.parse(fs.readFileSync(p, 'utf8')) as { version: string }).version;
    dir = path.dirname(dir);
  }
  return '0.0.0';
}

export function buildInfo(): string {
  return `Burrow v${packageVersion()} (CockroachDB-compatible v23.2) node ${process.version}`;
}

export function printVersion(): number {
  console.log(`Build Tag:        v${packageVersion()}`);
  console.log(`Build Time:       ${new Date(fs.statSync(fileURLToPath(import.meta.url)).mtime).toISOString()}`);
  console.log(`Distribution:     OSS`);
  console.log(`Platform:         ${process.platform} ${process.arch}`);
  console.log(`Go Version:       none (Node.js ${process.version})`);
  console.log(`Compatible with:  CockroachDB v23.2 SQL`);
  return 0;
}
