// Owns parsing of ORDER BY item lists and window specifications: OVER
// clauses, WINDOW definitions, PARTITION BY, and ROWS / RANGE / GROUPS
// frames with their bounds and exclusions.
// Invariants: `OVER w` yields a spec with `bare` set; a frame without
// BETWEEN has a null end bound; keywords are normalized to upper case.

import type { FrameBound, OrderItem, WindowFrame, WindowSpec } from './ast.js';
import {
  acceptKw, acceptKws, advance, expectKw, expectKws, expectOp, fail, isNameToken, isOp, parseCommaList, parseName, peek,
  type Cursor,
} from './cursor.js';
import { parseExpr, parseExprList, parseExprPrec } from './parse-expr.js';
import { Prec } from './precedence.js';

export function parseOrderItems(p: Cursor): OrderItem[] {
  return parseCommaList(p, parseOrderItem);
}

function parseOrderItem(p: Cursor): OrderItem {
  const expr = parseExpr(p);
  let direction: OrderItem['direction'] = null;
  if (acceptKw(p, 'asc')) direction = 'ASC';
  else if (acceptKw(p, 'desc')) direction = 'DESC';
  let nulls: OrderItem['nulls'] = null;
  if (acceptKw(p, 'nulls')) {
    if (acceptKw(p, 'first')) nulls = 'FIRST';
    else if (acceptKw(p, 'last')) nulls = 'LAST';
    else fail(p);
  }
  return { expr, direction, nulls };
}

const FRAME_MODES = new Set(['rows', 'range', 'groups']);

/** `( [base] [PARTITION BY ...] [ORDER BY ...] [frame] )` */
export function parseWindowSpec(p: Cursor): WindowSpec {
  expectOp(p, '(');
  const spec: WindowSpec = { refName: null, bare: false, partitionBy: [], orderBy: [], frame: null };
  const t = peek(p);
  if (isNameToken(t) && !(t.kind === 'word' && (t.text === 'partition' || FRAME_MODES.has(t.text)))) {
    spec.refName = parseName(p);
  }
  if (acceptKws(p, 'partition', 'by')) spec.partitionBy = parseExprList(p);
  if (acceptKws(p, 'order', 'by')) spec.orderBy = parseOrderItems(p);
  const m = peek(p);
  if (m.kind === 'word' && FRAME_MODES.has(m.text)) spec.frame = parseFrame(p);
  expectOp(p, ')');
  return spec;
}

function parseFrame(p: Cursor): WindowFrame {
  const mode = advance(p).text.toUpperCase() as WindowFrame['mode'];
  let start: FrameBound;
  let end: FrameBound | null = null;
  if (acceptKw(p, 'between')) {
    start = parseFrameBound(p);
    expectKw(p, 'and');
    end = parseFrameBound(p);
  } else {
    start = parseFrameBound(p);
  }
  return { mode, start, end, exclude: parseFrameExclusion(p) };
}

function parseFrameBound(p: Cursor): FrameBound {
  if (acceptKw(p, 'unbounded')) {
    if (acceptKw(p, 'preceding')) return { kind: 'unboundedPreceding' };
    expectKw(p, 'following');
    return { kind: 'unboundedFollowing' };
  }
  if (acceptKws(p, 'current', 'row')) return { kind: 'currentRow' };
  const offset = parseExprPrec(p, Prec.ESCAPE);
  if (acceptKw(p, 'preceding')) return { kind: 'preceding', offset };
  expectKw(p, 'following');
  return { kind: 'following', offset };
}

function parseFrameExclusion(p: Cursor): WindowFrame['exclude'] {
  if (!acceptKw(p, 'exclude')) return null;
  if (acceptKws(p, 'current', 'row')) return 'CURRENT ROW';
  if (acceptKw(p, 'group')) return 'GROUP';
  if (acceptKw(p, 'ties')) return 'TIES';
  expectKws(p, 'no', 'others');
  return 'NO OTHERS';
}


export function parseOver(p: Cursor): WindowSpec {
  if (isOp(p, '(')) return parseWindowSpec(p);
  return { refName: parseName(p), bare: true, partitionBy: [], orderBy: [], frame: null };
}
