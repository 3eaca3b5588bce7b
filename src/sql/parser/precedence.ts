// Owns operator precedence levels shared by the expression parser and the
// printer, following CockroachDB's sql.y (which follows PostgreSQL).
// Invariants: a larger number binds tighter; the printer parenthesizes a
// child whose level is below what its parent position requires, so parsing
// printed output reproduces the same tree.

import type { BinaryOp, CompareOp } from './ast.js';

export const Prec = {
  OR: 1,
  AND: 2,
  NOT: 3,
  IS: 4,
  CMP: 5, // = < > <= >= <> !=
  LIKE: 6, // LIKE ILIKE SIMILAR IN BETWEEN ~ !~ ~* !~*
  ESCAPE: 7,
  CONTAINS: 8, // @> <@ ? ?| ?&
  OVERLAPS: 9,
  OP: 10, // || -> ->> #> #>> #-
  BITOR: 11,
  BITXOR: 12, // #
  BITAND: 13,
  SHIFT: 14, // << >> &&
  ADD: 15,
  MUL: 16,
  EXP: 17,
  AT: 18, // AT TIME ZONE
  COLLATE: 19,
  UNARY: 20,
  SUBSCRIPT: 21,
  CAST: 22, // :: and :::
  PRIMARY: 30,
} as const;

export const binaryPrec: Record<BinaryOp, number> = {
  '||': Prec.OP, '->': Prec.OP, '->>': Prec.OP, '#>': Prec.OP, '#>>': Prec.OP, '#-': Prec.OP,
  '|': Prec.BITOR, '#': Prec.BITXOR, '&': Prec.BITAND, '<<': Prec.SHIFT, '>>': Prec.SHIFT,
  '+': Prec.ADD, '-': Prec.ADD, '*': Prec.MUL, '/': Prec.MUL, '//': Prec.MUL, '%': Prec.MUL,
  '^': Prec.EXP,
};

export const comparePrec: Record<CompareOp, number> = {
  '=': Prec.CMP, '<>': Prec.CMP, '!=': Prec.CMP, '<': Prec.CMP, '>': Prec.CMP, '<=': Prec.CMP, '>=': Prec.CMP,
  '~': Prec.LIKE, '~*': Prec.LIKE, '!~': Prec.LIKE, '!~*': Prec.LIKE,
  '@>': Prec.CONTAINS, '<@': Prec.CONTAINS, '?': Prec.CONTAINS, '?|': Prec.CONTAINS, '?&': Prec.CONTAINS,
  '&&': Prec.SHIFT,
};

/** Comparison operators whose level is non-associative (a < b < c is an error). */
export function isNonAssocCompare(op: CompareOp): boolean {
  return op !== '&&';
}
