// Owns forcing a full garbage collection without --expose-gc (the flag is
// set at run time and `gc` taken from a fresh context, so the main context
// gets no global gc). Best effort: a no-op where V8 refuses.

import v8 from 'node:v8';
import vm from 'node:vm';

let fullGc: (() => void) | null | undefined;

export function collectGarbage(): void {
  if (fullGc === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      fullGc = vm.runInNewContext('gc') as () => void;
    } catch {
      fullGc = null;
    }
  }
  fullGc?.();
}
