/**
 * REFERENCE MBE SERVER — the deterministic "core" behind both fronts (HTTP and MCP).
 * Not MBE: a stand-in whose every answer can be explained by hand.
 *
 * - surprise: the share of the message's distinct words this user has never used before in a
 *   stored memory (rounded to 2 decimals). "novel" from 0.5 up. A first message scores 1.00;
 *   repeating it scores 0.00.
 * - route: keyword → expert (table below). Experts ranked by keyword hits; no hit → "general".
 *   Confidence: no hit 0.5, one hit 0.75, two or more 0.9 (so only ≥2 hits clear the 0.8 bar).
 * - generate: the Generator (generator.ts): scripted echo, or an OpenAI-compatible endpoint.
 * - memory: in memory, per process; read ranks by word overlap with the query, then importance,
 *   then recency; total_count is all of the user's memories.
 */
import type {
  GenerateRequest,
  MemoryClearRequest,
  MemoryReadRequest,
  MemoryWriteRequest,
  RouteRequest,
  SurpriseRequest,
} from './schemas.js';
import type { Generator } from './generator.js';

export const REFERENCE_VERSION = 'reference-1';
export const NOVEL_THRESHOLD = 0.5;

export const EXPERTS: ReadonlyArray<{ id: string; keywords: readonly string[] }> = [
  { id: 'coding', keywords: ['code', 'bug', 'function', 'typescript', 'javascript', 'python', 'compile', 'api', 'program', 'debug', 'git'] },
  { id: 'mathematics', keywords: ['math', 'equation', 'integral', 'prime', 'sum', 'algebra', 'geometry', 'probability', 'calculate'] },
  { id: 'economics', keywords: ['price', 'market', 'economy', 'inflation', 'money', 'trade', 'interest', 'capital', 'mises'] },
  { id: 'writing', keywords: ['write', 'essay', 'poem', 'story', 'grammar', 'translate', 'email', 'letter'] },
];
export const FALLBACK_EXPERT = 'general';

export interface StoredMemory {
  id: string;
  user_id: string;
  session_id: string;
  memory_type: string;
  content: MemoryWriteRequest['content'];
  importance: number;
  created_at: string;
}

export interface SurpriseResult {
  surprise_score: number;
  is_novel: boolean;
  learning_mode: 'explore' | 'adapt' | 'reinforce';
  /** Extra (the client ignores it): why the score is what it is. */
  novel_words: string[];
}

export interface RouteResult {
  selected_experts: Array<{ id: string; score: number }>;
  routing_confidence: number;
  matched_keywords: string[];
}

export interface GenerateResult {
  content: string;
  usage?: { input_tokens: number; output_tokens: number; total_tokens: number };
}

/** What a front (HTTP or MCP) needs; the MCP proxy implements it over HTTP. */
export interface CoreApi {
  health(): Promise<{ status: string; version: string }>;
  surprise(req: SurpriseRequest): Promise<SurpriseResult>;
  route(req: RouteRequest): Promise<RouteResult>;
  generate(req: GenerateRequest): Promise<GenerateResult>;
  memoryWrite(req: MemoryWriteRequest): Promise<{ id: string }>;
  memoryRead(req: MemoryReadRequest): Promise<{ total_count: number; memories: StoredMemory[] }>;
  memoryClear(req: MemoryClearRequest): Promise<{ deleted: number }>;
}

export interface ReferenceCore extends CoreApi {
  readonly memories: StoredMemory[];
}

export function words(text: string): string[] {
  return [...new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])];
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export function createReferenceCore(opts: { generator: Generator; now?: () => Date }): ReferenceCore {
  const memories: StoredMemory[] = [];
  const now = opts.now ?? (() => new Date());
  let nextId = 1;

  const ofUser = (userId: string) => memories.filter((m) => m.user_id === userId);

  return {
    memories,
    async health() {
      return { status: 'ok', version: REFERENCE_VERSION };
    },

    async surprise(req) {
      const seen = new Set(ofUser(req.context.user_id).flatMap((m) => words(m.content.user_message)));
      const ws = words(req.input);
      const novel = ws.filter((w) => !seen.has(w));
      const score = ws.length ? round2(novel.length / ws.length) : 0;
      return {
        surprise_score: score,
        is_novel: score >= NOVEL_THRESHOLD,
        learning_mode: score >= NOVEL_THRESHOLD ? 'explore' : score > 0 ? 'adapt' : 'reinforce',
        novel_words: novel,
      };
    },

    async route(req) {
      const ws = new Set(words(req.input));
      const ranked = EXPERTS.map((e, order) => ({ id: e.id, order, hits: e.keywords.filter((k) => ws.has(k)) }))
        .filter((e) => e.hits.length > 0)
        .sort((a, b) => b.hits.length - a.hits.length || a.order - b.order);
      const top = ranked[0];
      if (!top) return { selected_experts: [{ id: FALLBACK_EXPERT, score: 0 }], routing_confidence: 0.5, matched_keywords: [] };
      return {
        selected_experts: ranked.slice(0, 3).map((e) => ({ id: e.id, score: e.hits.length })),
        routing_confidence: top.hits.length >= 2 ? 0.9 : 0.75,
        matched_keywords: top.hits,
      };
    },

    generate: (req) => opts.generator(req),

    async memoryWrite(req) {
      const id = `mem-${nextId++}`;
      memories.push({ id, user_id: req.user_id, session_id: req.session_id, memory_type: req.memory_type, content: req.content, importance: req.importance, created_at: now().toISOString() });
      return { id };
    },

    async memoryRead(req) {
      const query = new Set(words(req.query));
      const mine = ofUser(req.user_id);
      const overlap = (m: StoredMemory) => words(`${m.content.user_message} ${m.content.assistant_reply}`).filter((w) => query.has(w)).length;
      const ranked = mine
        .map((m, i) => ({ m, i, o: overlap(m) }))
        .sort((a, b) => b.o - a.o || b.m.importance - a.m.importance || b.i - a.i)
        .slice(0, req.top_k)
        .map((x) => x.m);
      return { total_count: mine.length, memories: ranked };
    },

    async memoryClear(req) {
      let deleted = 0;
      for (let i = memories.length - 1; i >= 0; i--) {
        const m = memories[i]!;
        if (m.session_id === req.session_id && m.memory_type === req.memory_type) {
          memories.splice(i, 1);
          deleted++;
        }
      }
      return { deleted };
    },
  };
}
