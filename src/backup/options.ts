// Owns evaluating BACKUP / RESTORE / SHOW BACKUP options and URIs: string
// values (literals or placeholders), flags written bare or `= true`, and the
// errors for unknown or misused options, as CockroachDB words them.

import { BurrowError } from '../util/errors.js';
import type { Expr, KvOption } from '../sql/parser/ast.js';
import type { StmtEnv } from '../sql/session/stmt-env.js';
import { evalConstant } from '../sql/settings/const-expr.js';
import { T } from '../sql/types/types.js';

export async function evalString(e: Expr, env: StmtEnv, what: string): Promise<string> {
  const v = await evalConstant(e, env, what, T.string);
  if (typeof v.value !== 'string') throw new BurrowError('22023', `${what} must be a string`);
  return v.value;
}

export interface EvaluatedOptions {
  flags: Set<string>;
  strings: Map<string, string>;
}

/** Evaluates options; `allowed` maps each option name to 'flag' or 'string'. */
export async function evalOptions(opts: KvOption[], env: StmtEnv, allowed: Record<string, 'flag' | 'string'>, stmtName: string): Promise<EvaluatedOptions> {
  const out: EvaluatedOptions = { flags: new Set(), strings: new Map() };
  for (const o of opts) {
    const kind = allowed[o.name];
    if (!kind) throw new BurrowError('42601', `${stmtName} option "${o.name}" is not supported`, { hint: `Supported options: ${Object.keys(allowed).join(', ')}.` });
    if (kind === 'flag') {
      if (o.value === null) out.flags.add(o.name);
      else {
        const v = await evalConstant(o.value, env, o.name, T.bool);
        if (v.value === true || v.value === 'true') out.flags.add(o.name);
        else if (!(v.value === false || v.value === 'false')) throw new BurrowError('22023', `option "${o.name}" takes a boolean value`);
      }
      continue;
    }
    if (o.value === null) throw new BurrowError('42601', `option "${o.name}" requires a value`);
    out.strings.set(o.name, await evalString(o.value, env, o.name));
  }
  return out;
}

/** Redacts secrets for job descriptions. */
export function describeOptions(o: EvaluatedOptions): string {
  const parts: string[] = [];
  for (const f of o.flags) parts.push(f);
  for (const [k, v] of o.strings) parts.push(k === 'encryption_passphrase' ? `${k} = '*****'` : `${k} = '${v.replace(/'/g, "''")}'`);
  return parts.length ? ` WITH OPTIONS (${parts.join(', ')})` : '';
}
