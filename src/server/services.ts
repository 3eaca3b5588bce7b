// Owns wiring the layers above sql into an engine: the userfile/nodelocal
// upload COPY hooks, the BACKUP/RESTORE handlers and job types, and the jobs
// registry and its statements. Both the network server and the embedded API call it, so a
// feature works the same either way. Handler registries are process-wide
// and registration is idempotent; per-engine state lives on the engine.

import type { SqlEngine } from '../sql/engine.js';
import { registerUploadCopyHandlers } from '../cloud/copy-upload.js';
import { installBackup } from '../backup/register.js';
import { jobRegistryFor } from '../jobs/jobs-registry.js';
import { registerJobHandlers } from '../jobs/register.js';

export interface ServiceOptions {
  /** Root of nodelocal://1/; 'disabled' turns nodelocal off; default <store>/extern (none for memory stores). */
  externalIoDir?: string | undefined;
}

export function installServices(engine: SqlEngine, opts: ServiceOptions = {}): void {
  if (opts.externalIoDir === 'disabled') engine.externalIoDir = undefined;
  else if (opts.externalIoDir) engine.externalIoDir = opts.externalIoDir;
  registerUploadCopyHandlers();
  registerJobHandlers();
  // Job types first: creating the registry adopts jobs a previous process left running.
  installBackup(engine);
  jobRegistryFor(engine);
}

/** Stops what installServices started (running jobs stop at a checkpoint and resume at the next start). */
export async function stopServices(engine: SqlEngine): Promise<void> {
  await jobRegistryFor(engine).stop();
}
