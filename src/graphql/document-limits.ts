import { GraphQLError, Lexer, Source, TokenKind, getOperationAST, parse } from 'graphql';
import { errorCatalog, type ErrorCode } from '../errors.js';

export interface DocumentLimits {
  maxBytes: number;
  maxTokens: number;
  maxAliases: number;
  maxDepth: number;
}

function refusal(code: ErrorCode, message: string, extensions: Record<string, unknown>): GraphQLError {
  return new GraphQLError(message, { extensions: { code, status: errorCatalog[code].status, ...extensions } });
}

/**
 * Checks a GraphQL document before it is parsed, in one pass of graphql-js' own lexer over at most
 * `maxBytes`: its size, its token count (the count `parse(..., { maxTokens })` applies), its
 * aliases and how deeply its selection sets nest. Parsing, validation and the document cache only
 * ever see documents inside these bounds, so their time and memory are bounded too.
 *
 * An alias is a name followed by a colon outside parentheses (inside them, a colon follows an
 * argument, a variable or an input field name). A selection set is a brace outside parentheses
 * (inside them, a brace opens an input object). Fields nest at least as deep as the braces around
 * them, so a document whose braces nest past the depth limit could only be refused later, as too
 * deep or as invalid: it is refused now, before the recursive parser walks it.
 * Returns the reason to refuse, or null.
 */
export function checkDocument(text: string, limits: DocumentLimits): GraphQLError | null {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > limits.maxBytes) {
    return refusal('QUERY_TOO_LARGE', `The document has ${bytes} bytes; the limit is ${limits.maxBytes} (FEMTO_GRAPHQL_MAX_BYTES)`, {
      bytes,
      limit: limits.maxBytes,
    });
  }
  // mercurius takes a document that does not parse for a JSON-serialized AST, which would skip
  // every bound below; no JSON text is a valid GraphQL document, so none is lost by refusing it.
  if (isJson(text)) return refusal('QUERY_NOT_GRAPHQL', 'The document is not GraphQL text (a JSON AST is not accepted)', {});
  const lexer = new Lexer(new Source(text));
  let tokens = 0;
  let aliases = 0;
  let parens = 0;
  let braces = 0;
  let previous: TokenKind | null = null;
  try {
    for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
      if (++tokens > limits.maxTokens) {
        return refusal('QUERY_TOO_LARGE', `The document has more than ${limits.maxTokens} tokens (FEMTO_GRAPHQL_MAX_TOKENS)`, { limit: limits.maxTokens });
      }
      if (token.kind === TokenKind.PAREN_L) parens++;
      else if (token.kind === TokenKind.PAREN_R) parens--;
      else if (parens === 0 && token.kind === TokenKind.BRACE_L && ++braces > limits.maxDepth) {
        return refusal('QUERY_TOO_DEEP', `The document nests selections more than ${limits.maxDepth} levels deep (FEMTO_GRAPHQL_MAX_DEPTH)`, {
          limit: limits.maxDepth,
        });
      } else if (parens === 0 && token.kind === TokenKind.BRACE_R) braces--;
      else if (parens === 0 && token.kind === TokenKind.COLON && previous === TokenKind.NAME && ++aliases > limits.maxAliases) {
        return refusal('QUERY_TOO_MANY_ALIASES', `The document has more than ${limits.maxAliases} aliases (FEMTO_GRAPHQL_MAX_ALIASES)`, {
          limit: limits.maxAliases,
        });
      }
      previous = token.kind;
    }
  } catch {
    // A lexical error: parsing reports it with its location.
  }
  return null;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Over GET, mercurius looks up the operation to run before graphql-js would report that the name
 * matches none (or that several operations need a name) and fails on the missing operation: such
 * a request is refused here instead, with graphql-js' own wording. The document is within the
 * bounds checkDocument applies, so parsing it once more is cheap.
 */
export function checkGetOperation(text: string, operationName: string | null | undefined): GraphQLError | null {
  let document;
  try {
    document = parse(text);
  } catch {
    return null; // mercurius reports the syntax error
  }
  if (getOperationAST(document, operationName ?? undefined)) return null;
  const message = operationName != null ? `Unknown operation named "${operationName}".` : 'Must provide operation name if query contains multiple operations.';
  return refusal('UNKNOWN_OPERATION', message, {});
}

/**
 * Memory one cached document can hold at most (measured on graphql 16 and graphql-jit, through
 * mercurius): its AST with locations keeps about 480 bytes per token and its compiled query about
 * 100 more; a refused document keeps its validation errors instead, about 3.5 KB each, and
 * graphql-js stops validating at 100 errors. test/security/graphql-abuse.test.ts fills the cache
 * with the largest documents and checks the bound.
 */
const BYTES_PER_TOKEN = 600;
const ERRORS_BYTES = 100 * 4096;

/**
 * mercurius caches documents by their text in two LRUs counted in entries (one for documents that
 * passed validation, with their compiled query, one for those refused), and each LRU (quick-lru)
 * keeps up to twice its size (a current and an old generation). The entry count that keeps all
 * four generations within `cacheBytes` with every entry at its largest.
 */
export function documentCacheEntries(limits: Pick<DocumentLimits, 'maxBytes' | 'maxTokens'> & { cacheBytes: number }): number {
  const entryBytes = limits.maxTokens * BYTES_PER_TOKEN + ERRORS_BYTES + 2 * limits.maxBytes;
  return Math.max(1, Math.floor(limits.cacheBytes / 4 / entryBytes));
}
