/**
 * Types for the parts of @bbob/parser 2.8.1 (no typings of its own) this bundle uses: the lexer
 * Tailchat's web client tokenizes message content with, and `parse` (the tests read stored
 * content back with it, as the client does).
 */
declare module '@bbob/parser/lib/lexer.js' {
  export interface BbobToken {
    type: number;
    value: string;
    getValue(): string;
    isTag(): boolean;
    isAttrName(): boolean;
    isAttrValue(): boolean;
    isText(): boolean;
  }
  export interface BbobLexerOptions {
    onToken?: (token: BbobToken) => void;
    openTag?: string;
    closeTag?: string;
    enableEscapeTags?: boolean;
  }
  export function createLexer(buffer: string, options?: BbobLexerOptions): { tokenize(): BbobToken[]; isTokenNested(token: BbobToken): boolean };
}

declare module '@bbob/parser' {
  export interface BbobTagNode {
    tag: string;
    attrs: Record<string, string>;
    content: BbobNode[];
    toString(): string;
  }
  export type BbobNode = string | BbobTagNode;
  export interface BbobParseOptions {
    onlyAllowTags?: string[];
    onError?: (err: { message: string; tagName: string; lineNumber: number; columnNumber: number }) => void;
    openTag?: string;
    closeTag?: string;
    enableEscapeTags?: boolean;
  }
  export function parse(input: string, options?: BbobParseOptions): BbobNode[];
}
