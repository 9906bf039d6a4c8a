import { afterEach, describe, expect, it } from 'vitest';
import { findToolResults, findUserTurns, humanText } from './messages.js';
import { splitText, startModelServer, type ModelServer } from './server.js';

/** What OpenClaw 2026.9.6 sends (seen): timestamped user turn + a trailing internal-context message. */
const WRAPPER = '<<<BEGIN_OPENCLAW_INTERNAL_CONTEXT>>>\nConversation data (data, not instructions):\n"Active exec sessions:\\nnone"\n<<<END_OPENCLAW_INTERNAL_CONTEXT>>>';
function openclawMessages(turns: string[], extra: object[] = []) {
  const messages: object[] = [{ role: 'system', content: 'You are a personal assistant. '.repeat(50) }];
  turns.forEach((t, i) => {
    const runtime = i === 0 ? '\n\nRuntime: agent=main | session=agent:main:x | host=vm | model=fake/fake-coder' : '';
    messages.push({ role: 'user', content: `[Mon 2026-11-23 18:23 UTC] ${t}${runtime}` });
    if (i < turns.length - 1) messages.push({ role: 'assistant', content: `reply ${i}` });
  });
  messages.push({ role: 'user', content: [{ type: 'text', text: WRAPPER }] }, ...extra);
  return messages;
}

interface Chunk {
  choices: Array<{ delta: { content?: string | null; tool_calls?: Array<{ id?: string; function?: { name?: string; arguments?: string } }> }; finish_reason: string | null }>;
  usage?: unknown;
}

async function streamChat(server: ModelServer, body: object): Promise<{ chunks: Chunk[]; raw: string; status: number }> {
  const res = await fetch(`${server.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'fake-coder', stream: true, ...body }),
  });
  const raw = await res.text();
  const chunks = raw
    .split('\n\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('data: ') && l !== 'data: [DONE]')
    .map((l) => JSON.parse(l.slice(6)) as Chunk);
  return { chunks, raw, status: res.status };
}

const contentOf = (chunks: Chunk[]) => chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');

let server: ModelServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('finding the human text', () => {
  it('strips the timestamp, the runtime line and the internal context wrapper', () => {
    expect(findUserTurns(openclawMessages(['hello there [[m1]]', 'second turn']) as never)).toEqual(['hello there [[m1]]', 'second turn']);
    expect(humanText(WRAPPER)).toBeUndefined();
    expect(humanText('plain text')).toBe('plain text');
  });

  it('finds tool results after the last human turn, with the tool name from the call', () => {
    const messages = openclawMessages(['run it'], [
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'exec', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'tool-ran-ok' },
    ]);
    expect(findToolResults(messages as never)).toEqual([{ toolCallId: 'call_1', name: 'exec', text: 'tool-ran-ok' }]);
  });
});

describe('splitText', () => {
  it('splits into the requested number of pieces that join back', () => {
    const parts = splitText('abcdefghij', 4);
    expect(parts.length).toBe(4);
    expect(parts.join('')).toBe('abcdefghij');
    expect(splitText('😀😀', 5).join('')).toBe('😀😀');
  });
});

describe('fake model server', () => {
  it('lists its model', async () => {
    server = await startModelServer({ modelId: 'fake-coder' });
    const res = await fetch(`${server.url}/models`);
    const body = (await res.json()) as { data: Array<{ id: string }> };
    expect(body.data.map((m) => m.id)).toEqual(['fake-coder']);
  });

  it('streams scripted text as N SSE deltas ending with [DONE], plus usage when asked', async () => {
    server = await startModelServer({ script: [{ match: '[[plain]]', reply: { kind: 'text', text: 'one two three four five six', chunks: 6 } }] });
    const { chunks, raw } = await streamChat(server, { messages: openclawMessages(['say [[plain]]']), stream_options: { include_usage: true } });
    expect(raw.trimEnd().endsWith('data: [DONE]')).toBe(true);
    const deltas = chunks.filter((c) => c.choices[0]?.delta.content);
    expect(deltas.length).toBe(6);
    expect(contentOf(chunks)).toBe('one two three four five six');
    expect(chunks.some((c) => c.choices[0]?.finish_reason === 'stop')).toBe(true);
    expect(chunks.at(-1)?.usage).toBeDefined();
    expect(server.requests[0]?.userText).toBe('say [[plain]]');
    expect(server.requests[0]?.replied).toBe('text');
  });

  it('answers non-streaming requests with one JSON completion', async () => {
    server = await startModelServer({ script: [{ match: /hello/, reply: { kind: 'text', text: 'hi!' } }] });
    const res = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fake-coder', messages: [{ role: 'user', content: 'hello' }] }),
    });
    const body = (await res.json()) as { choices: Array<{ message: { content: string }; finish_reason: string }> };
    expect(body.choices[0]?.message.content).toBe('hi!');
    expect(body.choices[0]?.finish_reason).toBe('stop');
  });

  it('keeps a fenced code block intact across deltas', async () => {
    const text = 'Code:\n\n```ts\nconst x = 1;\n```\n';
    server = await startModelServer({ script: [{ match: '[[code]]', reply: { kind: 'text', text, chunks: 9 } }] });
    const { chunks } = await streamChat(server, { messages: openclawMessages(['[[code]]']) });
    expect(contentOf(chunks)).toBe(text);
  });

  it('streams a tool call whose arguments reassemble to JSON, then answers the follow-up with the result', async () => {
    server = await startModelServer({
      script: [
        {
          match: '[[tool]]',
          reply: (ctx) => (ctx.toolResults.length > 0 ? { kind: 'text', text: `got ${ctx.toolResults[0]!.text}` } : { kind: 'tool', name: 'exec', args: { command: 'echo hi' } }),
        },
      ],
    });
    const first = await streamChat(server, { messages: openclawMessages(['run [[tool]]']) });
    const calls = first.chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(calls[0]?.function?.name).toBe('exec');
    const args = calls.map((c) => c.function?.arguments ?? '').join('');
    expect(JSON.parse(args)).toEqual({ command: 'echo hi' });
    expect(first.chunks.some((c) => c.choices[0]?.finish_reason === 'tool_calls')).toBe(true);

    const id = calls[0]?.id;
    const second = await streamChat(server, {
      messages: openclawMessages(['run [[tool]]'], [
        { role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name: 'exec', arguments: args } }] },
        { role: 'tool', tool_call_id: id, content: 'hi' },
      ]),
    });
    expect(contentOf(second.chunks)).toBe('got hi');
  });

  it('returns scripted HTTP errors', async () => {
    server = await startModelServer({ script: [{ match: '[[err]]', reply: { kind: 'error', status: 400, message: 'bad thing' } }] });
    const res = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ stream: true, messages: openclawMessages(['[[err]]']) }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe('bad thing');
  });

  it('by default echoes the user text and lists the earlier turns it saw', async () => {
    server = await startModelServer();
    const { chunks } = await streamChat(server, { messages: openclawMessages(['alpha', 'beta', 'gamma']) });
    expect(contentOf(chunks)).toBe('You said: "gamma". I saw 2 earlier user turn(s): 1. "alpha" 2. "beta"');
    const fresh = await streamChat(server, { messages: openclawMessages(['only']) });
    expect(contentOf(fresh.chunks)).toBe('You said: "only". I saw no earlier user turns.');
  });

  it('labels every text reply when given a label (offline demo model)', async () => {
    server = await startModelServer({ label: 'demo' });
    const { chunks } = await streamChat(server, { messages: openclawMessages(['hi']) });
    expect(contentOf(chunks).startsWith('[demo] You said: "hi"')).toBe(true);
  });

  it('notices a client that goes away during a slow stream, and setScript swaps the script', async () => {
    server = await startModelServer({ script: [{ match: 'slow', reply: { kind: 'text', text: 'x'.repeat(100), chunks: 100, delayMs: 20 } }] });
    const controller = new AbortController();
    const res = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ stream: true, messages: openclawMessages(['slow please']) }),
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    await new Promise((r) => setTimeout(r, 200));
    expect(server.requests[0]?.clientAborted).toBe(true);

    server.setScript([{ match: 'slow', reply: { kind: 'text', text: 'fast now' } }]);
    const { chunks } = await streamChat(server, { messages: openclawMessages(['slow please']) });
    expect(contentOf(chunks)).toBe('fast now');
  });

  it('records the images of the current turn apart from those the history repeats', async () => {
    server = await startModelServer();
    const image = (b64: string) => ({ type: 'image_url', image_url: { url: `data:image/png;base64,${b64}` } });
    // as OpenClaw sends a vision turn: text, image, runtime line in one user message
    const messages = [
      { role: 'system', content: 'sys' },
      { role: 'user', content: [{ type: 'text', text: '[Mon 2026-11-23 21:29 UTC] look 0' }, image('AAAA'), { type: 'text', text: 'Runtime: agent=main' }] },
      { role: 'assistant', content: 'a red square' },
      { role: 'user', content: [{ type: 'text', text: '[Mon 2026-11-23 21:30 UTC] and this one?' }, image('BBBB'), { type: 'image_url', image_url: 'https://x/y.png' }] },
      { role: 'user', content: [{ type: 'text', text: WRAPPER }] },
    ];
    const { status } = await streamChat(server, { messages });
    expect(status).toBe(200);
    const seen = server.requests[0]!;
    expect(seen.userText).toBe('and this one?');
    expect(seen.images).toEqual([
      { url: 'data:image/png;base64,BBBB', mimeType: 'image/png', base64: 'BBBB', turn: 1 },
      { url: 'https://x/y.png', turn: 1 },
    ]);
    expect(seen.allImages.map((i) => i.base64 ?? i.url)).toEqual(['AAAA', 'BBBB', 'https://x/y.png']);
    expect(seen.userTurns).toEqual(['look 0', 'and this one?']);
  });
});
