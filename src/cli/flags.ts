// Owns command-line flag parsing for the burrow CLI: `--name=value`,
// `--name value`, boolean `--name`, short `-e`/`-f`/`-d`, repeatable flags,
// and positional arguments. Unknown flags are errors that name the flag.

export interface ParsedArgs {
  flags: Map<string, string[]>;
  positional: string[];
}

export function parseArgs(argv: string[], booleans: Set<string>, aliases: Record<string, string> = {}): ParsedArgs {
  const flags = new Map<string, string[]>();
  const positional: string[] = [];
  const add = (k: string, v: string) => flags.set(k, [...(flags.get(k) ?? []), v]);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--') || (a.startsWith('-') && a.length === 2)) {
      let name = a.replace(/^-+/, '');
      let value: string | undefined;
      const eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.slice(eq + 1);
        name = name.slice(0, eq);
      }
      name = aliases[name] ?? name;
      if (booleans.has(name)) {
        add(name, value ?? 'true');
        continue;
      }
      if (value === undefined) {
        value = argv[++i];
        if (value === undefined) throw new Error(`flag --${name} needs a value`);
      }
      add(name, value);
      continue;
    }
    positional.push(a);
  }
  return { flags, positional };
}

export function flag(p: ParsedArgs, name: string): string | undefined {
  const v = p.flags.get(name);
  return v ? v[v.length - 1] : undefined;
}

export function hostPort(s: string, defaultPort: number): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]*)(?::(\d+))?$/.exec(s);
  if (!m) throw new Error(`invalid address ${s}`);
  return { host: (m[1] || 'localhost').replace(/^\[|\]$/g, ''), port: m[2] ? Number(m[2]) : defaultPort };
}
