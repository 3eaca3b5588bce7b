// Owns the public surface of the SQL parser package: parsing entry points,
// the printer, and the AST types. Other layers import from here only.

export { parse, parseOne, parseExpression, parseTypeRef } from './parser.js';
export { formatStatement, formatStatements, formatExpr, formatType, formatName, formatObjectName, formatString } from './printer.js';
export type { PositionedError } from './syntax-error.js';
export type * from './ast.js';
