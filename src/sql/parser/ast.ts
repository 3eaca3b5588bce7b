// Owns the typed AST produced by the parser and consumed by the printer,
// the planner and every statement handler.
// Invariants: every node is a plain object (no classes, no methods, no
// cycles) discriminated by `kind`; optional parts are `null`, never absent;
// names are already normalized (unquoted identifiers lower-cased, quoted
// ones verbatim); lists are never null (empty when absent). Numbers keep
// their literal text. Option lists keep names in lower_snake_case.

// ---------------------------------------------------------------- names

/** A possibly qualified object name: `t`, `s.t` or `db.s.t`. */
export interface ObjectName {
  catalog: string | null;
  schema: string | null;
  name: string;
}

/** A table pattern in GRANT/BACKUP targets: a name, or `prefix.*`. */
export type TablePattern =
  | { kind: 'tableName'; name: ObjectName }
  | { kind: 'tableStar'; prefix: string[] };

/** An index named either `table@index` or (schema-qualified) `index`. */
export interface IndexRef {
  table: ObjectName | null;
  index: string;
  /** Qualifiers before a bare index name (`db.s.idx` → ['db', 's']); empty with `@`. */
  prefix: string[];
}

// ---------------------------------------------------------------- types

/**
 * A type reference. `name` is normalized upper case (INT8, INT4, INT2,
 * FLOAT8, FLOAT4, DECIMAL, STRING, VARCHAR, CHAR, BYTES, BOOL, DATE, TIME,
 * TIMETZ, TIMESTAMP, TIMESTAMPTZ, INTERVAL, UUID, JSONB, INET, OID, NAME,
 * BIT, VARBIT, SERIAL2, SERIAL4, SERIAL8, REGCLASS, ...) or, for a user
 * defined type, the object name in `userDefined` and its last part in name.
 */
export interface TypeRef {
  name: string;
  /** Length/precision/scale as written, e.g. DECIMAL(10,2) → [10, 2]. */
  params: number[];
  /** Number of array dimensions: INT[] → 1. */
  arrayDims: number;
  userDefined: ObjectName | null;
}

// ---------------------------------------------------------------- expressions

export type NumKind = 'int' | 'decimal' | 'float';

export type CompareOp =
  | '=' | '<>' | '!=' | '<' | '>' | '<=' | '>='
  | '~' | '~*' | '!~' | '!~*'
  | '@>' | '<@' | '?' | '?|' | '?&' | '&&';

export type BinaryOp =
  | '+' | '-' | '*' | '/' | '//' | '%' | '^'
  | '&' | '|' | '#' | '<<' | '>>'
  | '||' | '->' | '->>' | '#>' | '#>>' | '#-';

export type UnaryOp = '-' | '+' | '~';

export interface NumLit { kind: 'num'; text: string; numKind: NumKind }
export interface StrLit { kind: 'str'; value: string }
export interface BytesLit { kind: 'bytes'; hex: string }
export interface BoolLit { kind: 'bool'; value: boolean }
export interface NullLit { kind: 'null' }
/** `DATE '2020-01-01'`, `INTERVAL '1 day'`, ... */
export interface TypedLit { kind: 'typedLit'; type: TypeRef; value: string }
/** `$n`; index is 1-based as written. */
export interface Placeholder { kind: 'placeholder'; index: number }
/** `a`, `t.a`, `s.t.a`, `db.s.t.a`. */
export interface ColumnRef { kind: 'colRef'; table: ObjectName | null; column: string }
/** `*` or `t.*` */
export interface Star { kind: 'star'; table: ObjectName | null }
export interface UnaryExpr { kind: 'unary'; op: UnaryOp; expr: Expr }
/**
 * `explicitOp` marks PostgreSQL's binary `a OPERATOR(pg_catalog.op) b`
 * spelling (psql sends it): the same operator, but it binds at the generic
 * operator level (Prec.OP, left-associative) and prints in that spelling.
 */
export interface BinaryExpr { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr; explicitOp?: boolean }
export interface CompareExpr { kind: 'compare'; op: CompareOp; left: Expr; right: Expr; explicitOp?: boolean }
export interface AndExpr { kind: 'and'; left: Expr; right: Expr }
export interface OrExpr { kind: 'or'; left: Expr; right: Expr }
export interface NotExpr { kind: 'not'; expr: Expr }
/** `x IS [NOT] NULL|TRUE|FALSE|UNKNOWN`; also ISNULL / NOTNULL. */
export interface IsExpr { kind: 'is'; not: boolean; expr: Expr; test: 'null' | 'true' | 'false' | 'unknown' }
export interface IsDistinctExpr { kind: 'isDistinctFrom'; not: boolean; left: Expr; right: Expr }
export interface BetweenExpr { kind: 'between'; not: boolean; symmetric: boolean; expr: Expr; low: Expr; high: Expr }
/** `x [NOT] IN (list)` (list set) or `x [NOT] IN (subquery)` (subquery set). */
export interface InExpr { kind: 'in'; not: boolean; expr: Expr; list: Expr[] | null; subquery: SelectStatement | null }
export interface LikeExpr {
  kind: 'like';
  op: 'LIKE' | 'ILIKE' | 'SIMILAR TO';
  not: boolean;
  expr: Expr;
  pattern: Expr;
  escape: Expr | null;
}
export interface ExistsExpr { kind: 'exists'; subquery: SelectStatement }
export interface SubqueryExpr { kind: 'subquery'; select: SelectStatement }
/** `x op ANY|SOME|ALL (subquery | array expr)`; exactly one of subquery/array is set. */
export interface QuantifiedExpr {
  kind: 'quantified';
  op: CompareOp | 'LIKE' | 'ILIKE' | 'NOT LIKE' | 'NOT ILIKE';
  quantifier: 'ANY' | 'SOME' | 'ALL';
  left: Expr;
  subquery: SelectStatement | null;
  array: Expr | null;
}
export interface CaseExpr { kind: 'case'; operand: Expr | null; whens: { when: Expr; then: Expr }[]; else: Expr | null }
/** `CAST(x AS t)` (syntax 'cast') or `x::t` (syntax '::'). */
export interface CastExpr { kind: 'cast'; expr: Expr; type: TypeRef; syntax: 'cast' | '::' }
/** CockroachDB's `x:::t` type annotation. */
export interface AnnotateExpr { kind: 'annotate'; expr: Expr; type: TypeRef }
export interface FuncCall {
  kind: 'func';
  /** Lower-cased name parts: ['count'], ['pg_catalog', 'now']. */
  name: string[];
  args: Expr[];
  distinct: boolean;
  /** `count(*)`. */
  star: boolean;
  /** `array_agg(x ORDER BY y)`. */
  orderBy: OrderItem[];
  filter: Expr | null;
  over: WindowSpec | null;
}
export interface ArrayExpr { kind: 'array'; elems: Expr[] }
export interface ArraySubquery { kind: 'arraySubquery'; select: SelectStatement }
/** `a[i]` (end null) or `a[i:j]` slice (either bound may be null for a slice). */
export interface SubscriptExpr { kind: 'subscript'; expr: Expr; index: Expr | null; end: Expr | null; slice: boolean }
/** `(a, b)`; `row` when written `ROW(...)`. */
export interface TupleExpr { kind: 'tuple'; elems: Expr[]; row: boolean }
/** `x COLLATE name`; schema set when written qualified (`COLLATE pg_catalog.default`). */
export interface CollateExpr { kind: 'collate'; expr: Expr; collation: string; schema?: string }
/** `DEFAULT`, only in INSERT VALUES rows and UPDATE SET values. */
export interface DefaultExpr { kind: 'default' }

export type Expr =
  | NumLit | StrLit | BytesLit | BoolLit | NullLit | TypedLit | Placeholder
  | ColumnRef | Star | UnaryExpr | BinaryExpr | CompareExpr | AndExpr | OrExpr | NotExpr
  | IsExpr | IsDistinctExpr | BetweenExpr | InExpr | LikeExpr | ExistsExpr | SubqueryExpr
  | QuantifiedExpr | CaseExpr | CastExpr | AnnotateExpr | FuncCall | ArrayExpr | ArraySubquery
  | SubscriptExpr | TupleExpr | CollateExpr | DefaultExpr;

// ---------------------------------------------------------------- windows, ordering

export interface OrderItem {
  expr: Expr;
  direction: 'ASC' | 'DESC' | null;
  nulls: 'FIRST' | 'LAST' | null;
}

export type FrameBound =
  | { kind: 'unboundedPreceding' }
  | { kind: 'preceding'; offset: Expr }
  | { kind: 'currentRow' }
  | { kind: 'following'; offset: Expr }
  | { kind: 'unboundedFollowing' };

export interface WindowFrame {
  mode: 'ROWS' | 'RANGE' | 'GROUPS';
  start: FrameBound;
  /** null for the single-bound form `ROWS UNBOUNDED PRECEDING`. */
  end: FrameBound | null;
  exclude: 'CURRENT ROW' | 'GROUP' | 'TIES' | 'NO OTHERS' | null;
}

/**
 * `OVER (...)` or `WINDOW w AS (...)`. `OVER w` is a spec with refName 'w'
 * and `bare` true (no parentheses).
 */
export interface WindowSpec {
  refName: string | null;
  bare: boolean;
  partitionBy: Expr[];
  orderBy: OrderItem[];
  frame: WindowFrame | null;
}

// ---------------------------------------------------------------- SELECT

export interface SelectTarget { expr: Expr; alias: string | null }

export interface AliasClause { name: string; columns: string[] }

export interface IndexHint {
  index: string | null;
  direction: 'ASC' | 'DESC' | null;
  /** Upper-case flags: NO_INDEX_JOIN, NO_ZIGZAG_JOIN, NO_FULL_SCAN, FORCE_ZIGZAG, ... */
  flags: string[];
}

export interface TableNameSource {
  kind: 'tableName';
  name: ObjectName;
  indexHint: IndexHint | null;
  alias: AliasClause | null;
}

export interface DerivedSource {
  kind: 'derived';
  select: SelectStatement;
  lateral: boolean;
  alias: AliasClause | null;
}

/** A set-returning function in FROM: `generate_series(1, 10) AS g(i)`. */
export interface FuncSource {
  kind: 'funcSource';
  func: FuncCall;
  lateral: boolean;
  ordinality: boolean;
  alias: AliasClause | null;
}

/** `[SHOW ...]`, `[EXPLAIN ...]`, `[INSERT ... RETURNING ...]` as a row source. */
export interface StatementSource {
  kind: 'statementSource';
  statement: Statement;
  alias: AliasClause | null;
}

export type JoinType = 'INNER' | 'LEFT' | 'RIGHT' | 'FULL' | 'CROSS';

export interface JoinSource {
  kind: 'join';
  joinType: JoinType;
  natural: boolean;
  /** HASH, MERGE, LOOKUP, INVERTED, STRAIGHT, or null. */
  hint: string | null;
  left: TableSource;
  right: TableSource;
  on: Expr | null;
  using: string[] | null;
}

export type TableSource = TableNameSource | DerivedSource | FuncSource | StatementSource | JoinSource;

export interface SelectClause {
  kind: 'selectClause';
  distinct: boolean;
  /** `DISTINCT ON (...)`; null when absent. */
  distinctOn: Expr[] | null;
  targets: SelectTarget[];
  from: TableSource[];
  asOf: Expr | null;
  where: Expr | null;
  groupBy: Expr[];
  having: Expr | null;
  windows: { name: string; spec: WindowSpec }[];
}

export interface ValuesClause { kind: 'values'; rows: Expr[][] }

export interface SetOperation {
  kind: 'setOp';
  op: 'UNION' | 'INTERSECT' | 'EXCEPT';
  all: boolean;
  left: SelectBody;
  right: SelectBody;
}

/** A nested SelectStatement here was written in parentheses. */
export type SelectBody = SelectClause | ValuesClause | SetOperation | SelectStatement;

export interface CommonTableExpr {
  name: string;
  columns: string[];
  /** SELECT, or INSERT/UPSERT/UPDATE/DELETE (usually with RETURNING). */
  statement: Statement;
  materialized: boolean | null;
}

export interface WithClause { recursive: boolean; ctes: CommonTableExpr[] }

export interface LockingItem {
  strength: 'UPDATE' | 'NO KEY UPDATE' | 'SHARE' | 'KEY SHARE';
  tables: ObjectName[];
  wait: 'NOWAIT' | 'SKIP LOCKED' | null;
}

export interface SelectStatement {
  kind: 'select';
  with: WithClause | null;
  body: SelectBody;
  orderBy: OrderItem[];
  /** LIMIT n / FETCH FIRST n ROWS ONLY; null for none or LIMIT ALL. */
  limit: Expr | null;
  offset: Expr | null;
  locking: LockingItem[];
}

// ---------------------------------------------------------------- DML

/** null: no RETURNING; 'nothing': RETURNING NOTHING. */
export type Returning = SelectTarget[] | 'nothing' | null;

/** `a = x` (columns ['a'], tuple false) or `(a, b) = (x, y)` / `= (subquery)`. */
export interface UpdateSet { columns: string[]; value: Expr; tuple: boolean }

export interface OnConflict {
  columns: string[];
  constraint: string | null;
  /** Arbiter index predicate: ON CONFLICT (a) WHERE p. */
  arbiterWhere: Expr | null;
  action: { kind: 'doNothing' } | { kind: 'doUpdate'; sets: UpdateSet[]; where: Expr | null };
}

export interface InsertStatement {
  kind: 'insert';
  /** true for UPSERT INTO. */
  upsert: boolean;
  with: WithClause | null;
  table: ObjectName;
  alias: string | null;
  columns: string[];
  /** null means DEFAULT VALUES. */
  source: SelectStatement | null;
  onConflict: OnConflict | null;
  returning: Returning;
}

export interface UpdateStatement {
  kind: 'update';
  with: WithClause | null;
  table: TableNameSource;
  sets: UpdateSet[];
  from: TableSource[];
  where: Expr | null;
  orderBy: OrderItem[];
  limit: Expr | null;
  returning: Returning;
}

export interface DeleteStatement {
  kind: 'delete';
  with: WithClause | null;
  table: TableNameSource;
  using: TableSource[];
  where: Expr | null;
  orderBy: OrderItem[];
  limit: Expr | null;
  returning: Returning;
}

export type DropBehavior = 'CASCADE' | 'RESTRICT' | null;

export interface TruncateStatement { kind: 'truncate'; tables: ObjectName[]; behavior: DropBehavior }

// ---------------------------------------------------------------- DDL

/** A generic `name = value` option (database options, zone configs, ...). */
export interface KvOption { name: string; value: Expr | null }

export interface CreateDatabaseStatement {
  kind: 'createDatabase';
  name: string;
  ifNotExists: boolean;
  /** Upper-case option names: ENCODING, TEMPLATE, LC_COLLATE, LC_CTYPE, CONNECTION LIMIT, OWNER, PRIMARY REGION. */
  options: KvOption[];
}

export interface DropDatabaseStatement { kind: 'dropDatabase'; name: string; ifExists: boolean; behavior: DropBehavior }

export type AlterDatabaseCmd =
  | { kind: 'renameTo'; newName: string }
  | { kind: 'ownerTo'; owner: string };

export interface AlterDatabaseStatement { kind: 'alterDatabase'; name: string; cmd: AlterDatabaseCmd }

export interface SchemaName { catalog: string | null; schema: string }

export interface CreateSchemaStatement {
  kind: 'createSchema';
  name: SchemaName;
  ifNotExists: boolean;
  authorization: string | null;
}

export interface DropSchemaStatement { kind: 'dropSchema'; names: SchemaName[]; ifExists: boolean; behavior: DropBehavior }

export type AlterSchemaCmd = { kind: 'renameTo'; newName: string } | { kind: 'ownerTo'; owner: string };

export interface AlterSchemaStatement { kind: 'alterSchema'; name: SchemaName; cmd: AlterSchemaCmd }

export type RefAction = 'CASCADE' | 'SET NULL' | 'SET DEFAULT' | 'RESTRICT' | 'NO ACTION';

export interface ForeignKeyRef {
  table: ObjectName;
  columns: string[];
  onDelete: RefAction | null;
  onUpdate: RefAction | null;
  match: 'SIMPLE' | 'FULL' | null;
}

export type ColumnConstraintBody =
  | { kind: 'notNull' }
  | { kind: 'null' }
  | { kind: 'primaryKey' }
  | { kind: 'unique' }
  | { kind: 'default'; expr: Expr }
  | { kind: 'onUpdate'; expr: Expr }
  | { kind: 'check'; expr: Expr }
  | { kind: 'references'; ref: ForeignKeyRef }
  | { kind: 'computed'; expr: Expr; stored: boolean }
  | { kind: 'collate'; collation: string }
  | { kind: 'family'; family: string | null; create: boolean; ifNotExists: boolean }
  | { kind: 'notVisible' };

/** `CONSTRAINT name` applies to the body that follows it. */
export type ColumnConstraint = ColumnConstraintBody & { name: string | null };

export interface ColumnDef {
  kind: 'columnDef';
  name: string;
  type: TypeRef;
  constraints: ColumnConstraint[];
}

export interface IndexElem {
  /** Column name, or null for an expression element (`expr` set). */
  column: string | null;
  expr: Expr | null;
  direction: 'ASC' | 'DESC' | null;
  nulls: 'FIRST' | 'LAST' | null;
}

export interface PrimaryKeyConstraint { kind: 'primaryKeyConstraint'; name: string | null; columns: IndexElem[] }
export interface UniqueConstraint {
  kind: 'uniqueConstraint';
  name: string | null;
  columns: IndexElem[];
  storing: string[];
  where: Expr | null;
}
export interface CheckConstraint { kind: 'checkConstraint'; name: string | null; expr: Expr }
export interface ForeignKeyConstraint { kind: 'foreignKeyConstraint'; name: string | null; columns: string[]; ref: ForeignKeyRef }

export type TableConstraint = PrimaryKeyConstraint | UniqueConstraint | CheckConstraint | ForeignKeyConstraint;

export interface IndexDef {
  kind: 'indexDef';
  name: string | null;
  unique: boolean;
  inverted: boolean;
  columns: IndexElem[];
  storing: string[];
  where: Expr | null;
}

export interface FamilyDef { kind: 'familyDef'; name: string | null; columns: string[] }

export type TableDef = ColumnDef | TableConstraint | IndexDef | FamilyDef;

export interface CreateTableStatement {
  kind: 'createTable';
  name: ObjectName;
  ifNotExists: boolean;
  temporary: boolean;
  defs: TableDef[];
  /** CREATE TABLE t [(cols)] AS select; `defs` then holds no column defs. */
  asSelect: SelectStatement | null;
  asColumns: string[];
}

export interface DropObjectsStatement {
  kind: 'dropTable' | 'dropView' | 'dropSequence';
  names: ObjectName[];
  ifExists: boolean;
  behavior: DropBehavior;
  /** DROP MATERIALIZED VIEW. */
  materialized: boolean;
}

export type AlterColumnCmd =
  | { kind: 'setDefault'; expr: Expr | null }
  | { kind: 'dropDefault' }
  | { kind: 'setNotNull' }
  | { kind: 'dropNotNull' }
  | { kind: 'setType'; type: TypeRef; collation: string | null; using: Expr | null; setData: boolean }
  | { kind: 'dropStored' };

export type AlterTableCmd =
  | { kind: 'renameTable'; newName: ObjectName }
  | { kind: 'renameColumn'; column: string; newName: string }
  | { kind: 'renameConstraint'; constraint: string; newName: string }
  | { kind: 'addColumn'; ifNotExists: boolean; def: ColumnDef }
  | { kind: 'dropColumn'; column: string; ifExists: boolean; behavior: DropBehavior }
  | { kind: 'alterColumn'; column: string; cmd: AlterColumnCmd }
  | { kind: 'addConstraint'; constraint: TableConstraint; ifNotExists: boolean; notValid: boolean }
  | { kind: 'dropConstraint'; constraint: string; ifExists: boolean; behavior: DropBehavior }
  | { kind: 'validateConstraint'; constraint: string }
  | { kind: 'alterPrimaryKey'; columns: IndexElem[] }
  | { kind: 'ownerTo'; owner: string }
  | { kind: 'setSchema'; schema: string };

export interface AlterTableStatement { kind: 'alterTable'; name: ObjectName; ifExists: boolean; cmds: AlterTableCmd[] }

export interface CreateIndexStatement {
  kind: 'createIndex';
  name: string | null;
  table: ObjectName;
  unique: boolean;
  inverted: boolean;
  ifNotExists: boolean;
  concurrently: boolean;
  columns: IndexElem[];
  storing: string[];
  where: Expr | null;
}

export interface DropIndexStatement {
  kind: 'dropIndex';
  indexes: IndexRef[];
  ifExists: boolean;
  concurrently: boolean;
  behavior: DropBehavior;
}

export interface AlterIndexStatement {
  kind: 'alterIndex';
  index: IndexRef;
  ifExists: boolean;
  cmd: { kind: 'renameTo'; newName: string };
}

export interface CreateViewStatement {
  kind: 'createView';
  name: ObjectName;
  orReplace: boolean;
  ifNotExists: boolean;
  materialized: boolean;
  temporary: boolean;
  columns: string[];
  select: SelectStatement;
}

export type SequenceOption =
  | { kind: 'increment'; by: bigint }
  | { kind: 'minValue'; value: bigint | null } // null: NO MINVALUE
  | { kind: 'maxValue'; value: bigint | null } // null: NO MAXVALUE
  | { kind: 'start'; value: bigint }
  | { kind: 'restart'; value: bigint | null }
  | { kind: 'cache'; value: bigint }
  | { kind: 'cycle'; cycle: boolean }
  | { kind: 'ownedBy'; column: ObjectName | null } // null: OWNED BY NONE; column.name is the column
  | { kind: 'as'; type: TypeRef }
  | { kind: 'virtual' };

export interface CreateSequenceStatement {
  kind: 'createSequence';
  name: ObjectName;
  ifNotExists: boolean;
  temporary: boolean;
  options: SequenceOption[];
}

export type AlterSequenceCmd =
  | { kind: 'options'; options: SequenceOption[] }
  | { kind: 'renameTo'; newName: ObjectName }
  | { kind: 'ownerTo'; owner: string };

export interface AlterSequenceStatement { kind: 'alterSequence'; name: ObjectName; ifExists: boolean; cmd: AlterSequenceCmd }

export type ZoneTarget =
  | { kind: 'database'; name: string }
  | { kind: 'table'; name: ObjectName }
  | { kind: 'index'; index: IndexRef }
  | { kind: 'range'; name: string };

export interface ZoneSetting {
  /** Setting name as written, e.g. gc.ttlseconds, num_replicas. */
  name: string;
  /** null for `COPY FROM PARENT`. */
  value: Expr | null;
}

export interface ConfigureZoneStatement {
  kind: 'configureZone';
  target: ZoneTarget;
  /** 'discard' for CONFIGURE ZONE DISCARD. */
  settings: ZoneSetting[] | 'discard';
}

export type CommentTarget =
  | { kind: 'database'; name: string }
  | { kind: 'schema'; name: SchemaName }
  | { kind: 'table'; name: ObjectName }
  | { kind: 'column'; table: ObjectName | null; column: string; /** full name as written */ parts: string[] }
  | { kind: 'index'; index: IndexRef }
  | { kind: 'constraint'; constraint: string; table: ObjectName };

export interface CommentStatement { kind: 'comment'; target: CommentTarget; comment: string | null }

// ---------------------------------------------------------------- transactions and session

export type IsolationLevel = 'SERIALIZABLE' | 'REPEATABLE READ' | 'READ COMMITTED' | 'READ UNCOMMITTED' | 'SNAPSHOT';

export interface TransactionModes {
  isolation: IsolationLevel | null;
  priority: 'LOW' | 'NORMAL' | 'HIGH' | null;
  readOnly: boolean | null;
  asOf: Expr | null;
  deferrable: boolean | null;
}

export interface BeginStatement { kind: 'begin'; modes: TransactionModes }
export interface CommitStatement { kind: 'commit' }
export interface RollbackStatement { kind: 'rollback'; savepoint: string | null }
export interface SavepointStatement { kind: 'savepoint'; name: string }
export interface ReleaseSavepointStatement { kind: 'releaseSavepoint'; name: string }
export interface SetTransactionStatement { kind: 'setTransaction'; modes: TransactionModes }

/**
 * `SET [SESSION|LOCAL] name = v1, v2`. `USE d` is `SET database = d` and
 * `SET TIME ZONE x` is `SET timezone = x`, as in CockroachDB. Bare words in
 * values are ColumnRefs; `ON` is the string 'on'; `DEFAULT` is a DefaultExpr.
 */
export interface SetVarStatement { kind: 'setVar'; name: string; values: Expr[]; local: boolean }
export interface ResetVarStatement { kind: 'resetVar'; name: string | null /* null: RESET ALL */ }
/** SHOW name; SHOW ALL is name 'all'; SHOW TRANSACTION ISOLATION LEVEL is 'transaction_isolation'. */
export interface ShowVarStatement { kind: 'showVar'; name: string }
export interface SetClusterSettingStatement { kind: 'setClusterSetting'; name: string; value: Expr | null /* null: DEFAULT */ }
export interface ShowClusterSettingStatement { kind: 'showClusterSetting'; name: string }
export interface ShowClusterSettingsStatement { kind: 'showClusterSettings'; all: boolean }

export interface PrepareStatement { kind: 'prepare'; name: string; types: TypeRef[]; statement: Statement }
export interface ExecuteStatement { kind: 'execute'; name: string; args: Expr[] }
export interface DeallocateStatement { kind: 'deallocate'; name: string | null /* null: ALL */ }
export interface DiscardStatement { kind: 'discard'; mode: 'ALL' }

export interface ExplainStatement {
  kind: 'explain';
  analyze: boolean;
  /** Upper-case options: VERBOSE, TYPES, OPT, DISTSQL, VEC, DEBUG, ... */
  options: string[];
  statement: Statement;
}

// ---------------------------------------------------------------- SHOW

export interface ShowDatabasesStatement { kind: 'showDatabases'; withComment: boolean }
export interface ShowSchemasStatement { kind: 'showSchemas'; database: string | null }
export interface ShowTablesStatement { kind: 'showTables'; from: SchemaName | null; withComment: boolean }
export interface ShowColumnsStatement { kind: 'showColumns'; table: ObjectName; withComment: boolean }
export interface ShowIndexesStatement { kind: 'showIndexes'; table: ObjectName | null; database: string | null; withComment: boolean }
export interface ShowConstraintsStatement { kind: 'showConstraints'; table: ObjectName }
export interface ShowCreateStatement {
  kind: 'showCreate';
  /** null for plain `SHOW CREATE x`. */
  objectType: 'TABLE' | 'VIEW' | 'SEQUENCE' | 'DATABASE' | null;
  name: ObjectName;
}
export interface ShowCreateAllTablesStatement { kind: 'showCreateAllTables' }
export interface ShowUsersStatement { kind: 'showUsers' }
export interface ShowRolesStatement { kind: 'showRoles' }
export interface ShowGrantsStatement { kind: 'showGrants'; targets: GrantTargets | null; grantees: string[] }
export interface ShowRangesStatement {
  kind: 'showRanges';
  from: { kind: 'table'; table: ObjectName } | { kind: 'index'; index: IndexRef } | { kind: 'database'; name: string } | null;
}
export interface ShowSessionsStatement { kind: 'showSessions'; all: boolean; cluster: boolean }
export interface ShowQueriesStatement { kind: 'showQueries'; all: boolean; cluster: boolean }
export interface ShowTransactionsStatement { kind: 'showTransactions'; all: boolean; cluster: boolean }
export interface ShowSequencesStatement { kind: 'showSequences'; database: string | null }
export interface ShowZoneConfigStatement { kind: 'showZoneConfig'; target: ZoneTarget | null }
export interface ShowSavepointStatusStatement { kind: 'showSavepointStatus' }
export interface ShowSyntaxStatement { kind: 'showSyntax'; sql: string }

// ---------------------------------------------------------------- users and privileges

export interface RoleOption {
  /** Upper case: PASSWORD, LOGIN, NOLOGIN, CREATEDB, NOCREATEDB, CREATEROLE, NOCREATEROLE, VALID UNTIL, ... */
  name: string;
  /** PASSWORD 'x' / PASSWORD NULL / VALID UNTIL 'x'; null for flag options. */
  value: Expr | null;
}

export interface CreateRoleStatement {
  kind: 'createRole';
  /** USER implies LOGIN, ROLE implies NOLOGIN. */
  isRole: boolean;
  name: string;
  ifNotExists: boolean;
  options: RoleOption[];
}

export interface AlterRoleStatement { kind: 'alterRole'; isRole: boolean; name: string; ifExists: boolean; options: RoleOption[] }
export interface DropRoleStatement { kind: 'dropRole'; isRole: boolean; names: string[]; ifExists: boolean }

export type GrantTargets =
  | { kind: 'tables'; tables: TablePattern[] }
  | { kind: 'databases'; names: string[] }
  | { kind: 'schemas'; names: SchemaName[] }
  | { kind: 'allTablesInSchema'; schemas: SchemaName[] }
  | { kind: 'allSequencesInSchema'; schemas: SchemaName[] }
  | { kind: 'sequences'; names: ObjectName[] }
  | { kind: 'types'; names: ObjectName[] };

export interface GrantStatement {
  kind: 'grant';
  /** Upper case; ['ALL'] for ALL [PRIVILEGES]. */
  privileges: string[];
  targets: GrantTargets;
  grantees: string[];
  withGrantOption: boolean;
}

export interface RevokeStatement {
  kind: 'revoke';
  privileges: string[];
  targets: GrantTargets;
  grantees: string[];
  grantOptionFor: boolean;
  behavior: DropBehavior;
}

export interface GrantRoleStatement { kind: 'grantRole'; roles: string[]; members: string[]; withAdminOption: boolean }
export interface RevokeRoleStatement { kind: 'revokeRole'; roles: string[]; members: string[]; adminOptionFor: boolean }

// ---------------------------------------------------------------- COPY

export interface CopyOption {
  /** format, delimiter, null, header, escape, quote, encoding, destination. */
  name: string;
  /** format: 'csv' | 'text' | 'binary'; header: boolean; others: string. */
  value: string | boolean;
}

export interface CopyFromStatement {
  kind: 'copyFrom';
  table: ObjectName;
  columns: string[];
  options: CopyOption[];
}

export interface CopyToStatement {
  kind: 'copyTo';
  /** Exactly one of table/query. */
  table: ObjectName | null;
  columns: string[];
  query: Statement | null;
  options: CopyOption[];
}

// ---------------------------------------------------------------- backup, restore, jobs

export type BackupTargets =
  | { kind: 'databases'; names: string[] }
  | { kind: 'tables'; tables: TablePattern[] };

/**
 * A backup option, normalized to lower_snake_case: revision_history,
 * encryption_passphrase, detached, kms, incremental_location,
 * execution_locality, include_all_virtual_clusters,
 * updates_cluster_monitoring_metrics. A parenthesized URI list value is a
 * TupleExpr.
 */
export type BackupOption = KvOption;

export interface BackupStatement {
  kind: 'backup';
  /** null: the whole cluster. */
  targets: BackupTargets | null;
  /** true for `INTO` (collections); false for the old `TO` form. */
  nested: boolean;
  /** `INTO LATEST IN`. */
  latest: boolean;
  /** `INTO 'subdir' IN`. */
  subdir: Expr | null;
  /** Destination URIs (more than one: locality-aware). */
  to: Expr[];
  asOf: Expr | null;
  /** Old form: `INCREMENTAL FROM 'a', 'b'`. */
  incrementalFrom: Expr[];
  options: BackupOption[];
}

export interface RestoreStatement {
  kind: 'restore';
  /** null: full cluster restore. */
  targets: BackupTargets | null;
  /** `FROM LATEST IN`. */
  latest: boolean;
  /** `FROM 'subdir' IN`. */
  subdir: Expr | null;
  /**
   * Backup locations: with `IN`, one list (the collection's locality URIs);
   * in the old form, one list per backup layer (full, then incrementals).
   */
  from: Expr[][];
  asOf: Expr | null;
  options: BackupOption[];
}

export interface ShowBackupsStatement { kind: 'showBackups'; collection: Expr[] }

export interface ShowBackupStatement {
  kind: 'showBackup';
  details: 'SCHEMAS' | 'FILES' | 'RANGES' | null;
  /** `FROM` keyword written. */
  from: boolean;
  latest: boolean;
  /** The subdirectory (with IN) or, in the old form, the backup URI. null with LATEST. */
  path: Expr | null;
  /** The collection URIs after IN; empty in the old form. */
  inCollection: Expr[];
  options: BackupOption[];
}

export interface ShowJobsStatement {
  kind: 'showJobs';
  automatic: boolean;
  whenComplete: boolean;
  /** `SHOW JOBS <select>`. */
  select: SelectStatement | null;
  /** `SHOW JOB <expr>`. */
  jobId: Expr | null;
}

export interface ControlJobsStatement {
  kind: 'controlJobs';
  command: 'PAUSE' | 'RESUME' | 'CANCEL';
  /** `PAUSE JOB <expr>`; exactly one of jobId/select is set. */
  jobId: Expr | null;
  /** `PAUSE JOBS <select>`. */
  select: SelectStatement | null;
  reason: Expr | null;
}

export interface CancelQueryStatement { kind: 'cancelQuery' | 'cancelSession'; ifExists: boolean; id: Expr }

// ---------------------------------------------------------------- statements

export type Statement =
  | SelectStatement | InsertStatement | UpdateStatement | DeleteStatement | TruncateStatement
  | CreateDatabaseStatement | DropDatabaseStatement | AlterDatabaseStatement
  | CreateSchemaStatement | DropSchemaStatement | AlterSchemaStatement
  | CreateTableStatement | DropObjectsStatement | AlterTableStatement
  | CreateIndexStatement | DropIndexStatement | AlterIndexStatement
  | CreateViewStatement | CreateSequenceStatement | AlterSequenceStatement
  | ConfigureZoneStatement | CommentStatement
  | BeginStatement | CommitStatement | RollbackStatement | SavepointStatement | ReleaseSavepointStatement
  | SetTransactionStatement | SetVarStatement | ResetVarStatement | ShowVarStatement
  | SetClusterSettingStatement | ShowClusterSettingStatement | ShowClusterSettingsStatement
  | PrepareStatement | ExecuteStatement | DeallocateStatement | DiscardStatement | ExplainStatement
  | ShowDatabasesStatement | ShowSchemasStatement | ShowTablesStatement | ShowColumnsStatement
  | ShowIndexesStatement | ShowConstraintsStatement | ShowCreateStatement | ShowCreateAllTablesStatement
  | ShowUsersStatement | ShowRolesStatement | ShowGrantsStatement | ShowRangesStatement
  | ShowSessionsStatement | ShowQueriesStatement | ShowTransactionsStatement | ShowSequencesStatement
  | ShowZoneConfigStatement | ShowSavepointStatusStatement | ShowSyntaxStatement
  | CreateRoleStatement | AlterRoleStatement | DropRoleStatement
  | GrantStatement | RevokeStatement | GrantRoleStatement | RevokeRoleStatement
  | CopyFromStatement | CopyToStatement
  | BackupStatement | RestoreStatement | ShowBackupsStatement | ShowBackupStatement
  | ShowJobsStatement | ControlJobsStatement | CancelQueryStatement;

export type StatementKind = Statement['kind'];
