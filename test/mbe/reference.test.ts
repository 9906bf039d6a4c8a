/**
 * The reference MBE server itself: its answers must be explainable by hand, its request checks
 * strict (so client drift shows), and both CLIs must start.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createReferenceCore } from '../mbe-reference/core.js';
import { openAiGenerator, scriptedGenerator } from '../mbe-reference/generator.js';
import { startReferenceHttpServer } from '../mbe-reference/http-server.js';
import { REPO_ROOT } from './support.js';

const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

const ctx = (user_id: string) => ({ user_id, username: null, domain: 'chat' });
const content = (user_message: string) => ({ user_message, assistant_reply: 'ok', surprise_score: null, expert_id: null, timestamp: '2026-03-01T10:00:00.000Z' });

describe('reference core (deterministic)', () => {
  it("surprise = share of the message's distinct words the user never used before", async () => {
    const core = createReferenceCore({ generator: scriptedGenerator });
    expect(await core.surprise({ input: 'Hello hello world', context: ctx('u') })).toMatchObject({ surprise_score: 1, is_novel: true, learning_mode: 'explore' });
    await core.memoryWrite({ user_id: 'u', memory_type: 'working', content: content('hello world'), importance: 1, session_id: 's' });
    expect(await core.surprise({ input: 'hello world', context: ctx('u') })).toMatchObject({ surprise_score: 0, is_novel: false, learning_mode: 'reinforce' });
    expect(await core.surprise({ input: 'hello there world', context: ctx('u') })).toMatchObject({ surprise_score: 0.33, is_novel: false, learning_mode: 'adapt', novel_words: ['there'] });
    expect(await core.surprise({ input: 'hello world', context: ctx('someone-else') })).toMatchObject({ surprise_score: 1 });
    expect(await core.surprise({ input: '!!!', context: ctx('u') })).toMatchObject({ surprise_score: 0 });
  });

  it('route: whole-word keyword hits pick the expert (ties: table order); confidence 0.5 / 0.75 / 0.9 for 0 / 1 / ≥2 hits', async () => {
    const core = createReferenceCore({ generator: scriptedGenerator });
    const r = (input: string) => core.route({ input, task_type: 'chat', user_profile: { user_id: 'u' } });
    expect(await r('hi there')).toMatchObject({ selected_experts: [{ id: 'general' }], routing_confidence: 0.5 });
    expect(await r('a python question')).toMatchObject({ selected_experts: [{ id: 'coding' }], routing_confidence: 0.75 });
    expect(await r('write python code about market price')).toMatchObject({
      selected_experts: [{ id: 'coding', score: 2 }, { id: 'economics', score: 2 }, { id: 'writing', score: 1 }],
      routing_confidence: 0.9,
    });
  });

  it('memory: read ranks by overlap with the query, total_count is all of the user; clear is per session', async () => {
    const core = createReferenceCore({ generator: scriptedGenerator });
    for (const [msg, session] of [['apples', 's1'], ['pears', 's1'], ['apples and pears', 's2']] as const) {
      await core.memoryWrite({ user_id: 'u', memory_type: 'working', content: content(msg), importance: 0.5, session_id: session });
    }
    const read = await core.memoryRead({ user_id: 'u', query: 'pears', top_k: 2 });
    expect(read.total_count).toBe(3);
    expect(read.memories.map((m) => m.content.user_message)).toEqual(['apples and pears', 'pears']);
    expect(await core.memoryClear({ session_id: 's1', memory_type: 'working' })).toEqual({ deleted: 2 });
    expect((await core.memoryRead({ user_id: 'u', query: 'x', top_k: 10 })).total_count).toBe(1);
  });

  it('scripted generation echoes the instructions (naming the expert) and the prompt', async () => {
    const out = await scriptedGenerator({ prompt: 'hi', system_prompt: 'Use the coding expert.', temperature: 0.7 });
    expect(out.content).toBe('Reference MBE (scripted reply). Instructions: Use the coding expert.\nYou said: "hi"');
    expect(out.usage?.total_tokens).toBeGreaterThan(0);
  });

  it('openai generation posts a non-streaming chat completion to the configured endpoint', async () => {
    let seen: any;
    const stub = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen = { url: req.url, auth: req.headers.authorization, body: JSON.parse(body) };
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ choices: [{ message: { content: 'from the model' } }], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } }));
      });
    });
    await new Promise<void>((r) => stub.listen(0, '127.0.0.1', () => r()));
    cleanup.push(() => new Promise((r) => stub.close(r)));
    const gen = openAiGenerator({ baseUrl: `http://127.0.0.1:${(stub.address() as AddressInfo).port}/v1`, model: 'm1', apiKey: 'llm-key' });
    expect(await gen({ prompt: 'p', system_prompt: 's', temperature: 0.2 })).toEqual({ content: 'from the model', usage: { input_tokens: 3, output_tokens: 2, total_tokens: 5 } });
    expect(seen).toEqual({
      url: '/v1/chat/completions',
      auth: 'Bearer llm-key',
      body: { model: 'm1', stream: false, temperature: 0.2, messages: [{ role: 'system', content: 's' }, { role: 'user', content: 'p' }] },
    });
  });
});

describe('reference HTTP front', () => {
  it('rejects requests that stray from WIRE.md (unknown field, wrong type, wrong method)', async () => {
    const server = await startReferenceHttpServer();
    cleanup.push(() => server.close());
    const post = (path: string, body: unknown) => fetch(server.url + path, { method: 'POST', body: JSON.stringify(body) });
    const ok = { input: 'x', context: ctx('u') };
    expect((await post('/v1/surprise/calculate', ok)).status).toBe(200);
    expect((await post('/v1/surprise/calculate', { ...ok, extra: 1 })).status).toBe(400);
    expect((await post('/v1/surprise/calculate', { input: 1, context: ctx('u') })).status).toBe(400);
    expect((await fetch(server.url + '/v1/surprise/calculate')).status).toBe(405);
    expect((await fetch(server.url + '/nope')).status).toBe(404);
  });

  it('with an API key, every call (health too) needs the Bearer header', async () => {
    const server = await startReferenceHttpServer({ apiKey: 'k-123456' });
    cleanup.push(() => server.close());
    expect((await fetch(server.url + '/health')).status).toBe(401);
    expect((await fetch(server.url + '/health', { headers: { authorization: 'Bearer k-123456' } })).status).toBe(200);
  });
});

describe('reference CLIs', () => {
  it('http-main starts, prints its URL and answers health', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/mbe-reference/http-main.ts', '--port', '0'], { cwd: REPO_ROOT, env: { ...process.env, MBE_API_KEY: '' } });
    cleanup.push(() => child.kill('SIGTERM'));
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c) => {
        out += c;
        const m = /listening on (http:\/\/\S+);/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    expect(await (await fetch(`${url}/health`)).json()).toMatchObject({ status: 'ok' });
  });

  it('mcp-main lists the four seed tools and reports a bad call as a tool error', async () => {
    const server = await startReferenceHttpServer();
    cleanup.push(() => server.close());
    const client = new Client({ name: 'test', version: '0' });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: ['--import', 'tsx', 'test/mbe-reference/mcp-main.ts', '--http-url', server.url], cwd: REPO_ROOT }));
    cleanup.push(() => client.close());
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['mbe_memory_read', 'mbe_memory_write', 'mbe_route', 'mbe_surprise']);
    const ok = await client.callTool({ name: 'mbe_surprise', arguments: { input: 'hello', context: ctx('u') } });
    expect(JSON.parse((ok.content as Array<{ text: string }>)[0]!.text)).toMatchObject({ surprise_score: 1 });
    const bad = await client.callTool({ name: 'mbe_surprise', arguments: { input: 42 } });
    expect(bad.isError).toBe(true);
  });
});
