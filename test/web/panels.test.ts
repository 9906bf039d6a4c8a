/**
 * The built plugin (dist/plugins/com.yourcompany.ai, from build.mjs) loaded by mini-star in a
 * stand-in Tailchat page: what it registers, and every panel rendered from a message's meta.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS } from '../../protocol/actions.js';
import { CODE, aiMessage, aiMeta, everyBlock } from './support/fixtures.js';
import { SHOTS, startWebHost, type WebHost } from './support/webhost.js';

let host: WebHost;

beforeAll(async () => {
  host = await startWebHost();
  await host.loadPlugins();
});
afterAll(async () => {
  await host?.close();
});

describe('plugin load and registrations', () => {
  it('loads through mini-star and registers parser, permissions and the group settings panel', async () => {
    const { page } = host;
    expect(host.logs.some((line) => line.includes('[com.yourcompany.ai] Load Completed!'))).toBe(true);
    expect(await page.evaluate(() => window.__host.parserNames())).toEqual(['com.yourcompany.ai/reply', 'com.yourcompany.ai/thread-summary']);
    const permissions = await page.evaluate(() => window.__host.permissions());
    expect(permissions.map((p) => p.key)).toEqual([PERMISSIONS.invoke, PERMISSIONS.approve, PERMISSIONS.configure, PERMISSIONS.schedule]);
    // Scheduling is off for members by default (owners hold every plugin permission).
    expect(permissions.map((p) => p.default)).toEqual([true, false, false, false]);
    for (const p of permissions) {
      expect(p.title.length).toBeGreaterThan(3);
      expect(p.desc.length).toBeGreaterThan(10);
    }
    expect(await page.evaluate(() => window.__host.customPanels())).toEqual([
      { position: 'groupdetail', name: 'com.yourcompany.ai/group-settings', label: 'AI assistant', icon: 'mdi:robot-outline' },
    ]);
    // Nothing heavy at start-up: only the entry and its shared chunk were fetched so far.
    const scripts = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.includes('/plugins/')));
    expect(scripts.map((s) => s.replace(/^.*\/plugins\/com\.yourcompany\.ai\//, '')).sort()).toEqual(['index.js', expect.stringMatching(/^index-\w+\.js$/)].sort());
  });

  it('renders nothing for ordinary messages', async () => {
    const { page } = host;
    await page.evaluate(() => window.__host.addMessage({ _id: 'plain', content: 'just chatting', author: 'u_alice', converseId: 'p1', groupId: 'g1' }));
    await page.getByText('just chatting').waitFor();
    expect(await page.locator('[data-message-id="plain"] .tcai-message').count()).toBe(0);
    expect(await page.locator('[data-message-id="plain"] [data-testid="host-content"]').isVisible()).toBe(true);
  });
});

describe('only the agent speaks for the agent', () => {
  it('our meta on a member\'s message shows that message\'s plain text, not a panel', async () => {
    const { page } = host;
    await page.evaluate((m) => window.__host.addMessage(m), aiMessage('bot-real', 'real answer', aiMeta([{ type: 'markdown', text: 'The **real** answer.' }])));
    await page.locator('[data-message-id="bot-real"] [data-testid="tcai-message"]').waitFor();
    const forged = { ...aiMessage('forged', 'forged by a member', aiMeta([{ type: 'markdown', text: 'Looks **official**.' }])), author: 'u_alice' };
    await page.evaluate((m) => window.__host.addMessage(m), forged);
    await page.locator('[data-message-id="forged"] [data-testid="host-content"]').waitFor();
    expect(await page.locator('[data-message-id="forged"] [data-tcai-rich]').count()).toBe(0);
    expect(await page.locator('[data-message-id="forged"] [data-testid="host-content"]').isVisible()).toBe(true);
    expect(await page.locator('[data-message-id="bot-real"] [data-testid="tcai-message"]').isVisible()).toBe(true);
  });
});

describe('lazy loading', () => {
  it('a plain markdown reply loads the view and markdown chunks, not the highlighter or diff', async () => {
    const { page } = host;
    await page.evaluate((m) => window.__host.addMessage(m), aiMessage('md-only', 'Hi', aiMeta([{ type: 'markdown', text: 'Just **text**.' }])));
    await page.locator('[data-message-id="md-only"] [data-testid="tcai-markdown"] strong').waitFor();
    const chunks = await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .map((e) => e.name)
        .filter((n) => n.includes('/plugins/com.yourcompany.ai/'))
        .map((n) => n.replace(/^.*\//, '').replace(/-\w+\.js$/, ''))
    );
    expect(chunks).toEqual(expect.arrayContaining(['MessageView', 'MarkdownPanel', 'schemas']));
    expect(chunks).not.toContain('CodeView');
    expect(chunks).not.toContain('DiffPanel');
    expect(chunks).not.toContain('GroupSettingsPanel');
  });
});

describe('every panel', () => {
  it('renders each block type from meta and hides the duplicate plain text', async () => {
    const { page } = host;
    const message = aiMessage('all', 'PLAIN TEXT FALLBACK of the reply', aiMeta(everyBlock()));
    await page.evaluate((m) => window.__host.addMessage(m), message);
    const item = page.locator('[data-message-id="all"]');
    await item.locator('[data-testid="tcai-message"]').waitFor();
    await item.locator('[data-testid="tcai-diff"]').waitFor();
    await item.locator('[data-testid="tcai-code"] .token').first().waitFor();

    expect(await item.locator('[data-testid="tcai-badge"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')))).toEqual(['expert', 'novelty', 'demo']);
    await expect.poll(() => item.locator('[data-testid="tcai-markdown"]').count()).toBe(1);
    expect(await item.locator('[data-testid="tcai-tool"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))).toEqual([
      'succeeded',
      'running',
      'failed',
      'succeeded',
    ]);
    expect(await item.locator('[data-testid="tcai-approval"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))).toEqual(['pending', 'approved']);
    expect(await item.locator('[data-testid="tcai-error"]').getAttribute('data-kind')).toBe('rate_limit');
    expect(await item.locator('[data-testid="tcai-error"]').innerText()).toContain('Rate limited');
    // Unknown type → readable text, not a blank or a crash.
    const fallback = item.locator('[data-testid="tcai-fallback"]');
    expect(await fallback.getAttribute('data-block-type')).toBe('chart');
    expect(await fallback.innerText()).toContain('Latency p95');
    // Finished run: no status bar, no Stop.
    expect(await item.locator('[data-testid="tcai-run-status"]').count()).toBe(0);
    // The plain `content` is hidden once the rich view is there (CSS :has on the host's item).
    expect(await item.locator('[data-testid="host-content"]').isVisible()).toBe(false);
    await host.shot('01-every-panel');
  });

  it('tool cards: details fold, failed calls open, private output stays hidden', async () => {
    const item = host.page.locator('[data-message-id="all"]');
    const [ok, running, failed, redacted] = [0, 1, 2, 3].map((i) => item.locator('[data-testid="tcai-tool"]').nth(i));
    expect(await ok!.locator('[data-testid="tcai-tool-status"]').innerText()).toBe('Succeeded');
    expect(await running!.locator('[data-testid="tcai-tool-status"]').innerText()).toBe('Running');
    expect(await ok!.locator('[data-testid="tcai-tool-args"]').isVisible()).toBe(false);
    await ok!.locator('[data-testid="tcai-tool-toggle"]').click();
    expect(await ok!.locator('[data-testid="tcai-tool-args"]').innerText()).toContain('"path": "src/math.ts"');
    expect(await failed!.locator('[data-testid="tcai-tool-result"]').isVisible()).toBe(true);
    expect(await failed!.locator('[data-testid="tcai-tool-result"]').innerText()).toContain('permission denied');
    // The mocked backend does not grant access: the card says who may see the details.
    await redacted!.locator('[data-testid="tcai-tool-private-note"]').waitFor();
    expect(await redacted!.innerText()).toContain('Only the requester and approvers can see the details');
    expect(await redacted!.locator('[data-testid="tcai-tool-toggle"]').count()).toBe(0);
    expect(await redacted!.locator('[data-testid="tcai-tool-show"]').count()).toBe(0);
  });

  it('private tool output: a viewer with access clicks "Show details" and reads what the server kept', async () => {
    const runId = 'tc-private1';
    host.respond('getToolOutputAccess', () => ({ status: 200, body: { code: 200, data: { allowed: true } } }));
    host.respond('getToolOutput', (body) => {
      const { toolCallId } = body as { toolCallId: string };
      return toolCallId === 'gone'
        ? { status: 404, body: { code: 404, message: 'The details of this tool call are no longer kept.' } }
        : { status: 200, body: { code: 200, data: { output: { name: 'read_secret', args: { path: '/etc/app.env' }, result: 'TOKEN=…' } } } };
    });
    await host.page.evaluate(
      (m) => window.__host.addMessage(m),
      aiMessage('private', 'Tool: read_secret (succeeded)', aiMeta([
        { type: 'tool', toolCallId: 'p1', name: 'read_secret', status: 'succeeded', redacted: true },
        { type: 'tool', toolCallId: 'gone', name: 'old_tool', status: 'succeeded', redacted: true },
      ], 'done', { runId }))
    );
    const [card, gone] = [0, 1].map((i) => host.page.locator('[data-message-id="private"] [data-testid="tcai-tool"]').nth(i));
    const show = card!.locator('[data-testid="tcai-tool-show"]');
    await show.waitFor();
    expect(await card!.locator('[data-testid="tcai-tool-args"]').count()).toBe(0);
    await show.click();
    expect(await card!.locator('[data-testid="tcai-tool-args"]').innerText()).toContain('"path": "/etc/app.env"');
    expect(await card!.locator('[data-testid="tcai-tool-result"]').innerText()).toBe('TOKEN=…');
    expect(host.requests.filter((r) => r.action === 'getToolOutput').map((r) => r.body)).toEqual([{ runId, toolCallId: 'p1' }]);
    // One access question per reply, whatever the number of cards.
    expect(host.requests.filter((r) => r.action === 'getToolOutputAccess' && (r.body as { runId: string }).runId === runId)).toHaveLength(1);
    await show.click();
    expect(await card!.locator('[data-testid="tcai-tool-args"]').count()).toBe(0);
    // A refusal or a forgotten output is said, not swallowed.
    await gone!.locator('[data-testid="tcai-tool-show"]').click();
    expect(await gone!.locator('[data-testid="tcai-tool-details-error"]').innerText()).toContain('no longer kept');
  });

  it('markdown is rendered safely: no raw HTML, only http(s) links, images never loaded', async () => {
    const md = host.page.locator('[data-message-id="all"] [data-testid="tcai-markdown"]');
    expect(await md.locator('h2').innerText()).toBe('Plan');
    expect(await md.locator('strong').first().innerText()).toBe('bold');
    expect(await md.locator('table tr').count()).toBe(3);
    expect(await md.locator('ol > li').count()).toBe(2);
    expect(await md.locator('input[type=checkbox]').count()).toBe(2);
    const hrefs = await md.locator('a').evaluateAll((els) => els.map((e) => e.getAttribute('href')));
    expect(hrefs).toEqual(['https://example.com/docs?a=1&b=2', 'https://evil.example/pixel.png?leak=secret']);
    expect(await md.locator('a').first().getAttribute('rel')).toBe('noopener noreferrer nofollow');
    expect(await md.locator('img').count()).toBe(0);
    expect(await md.getByText('Image: tracker').count()).toBe(1);
    expect(await md.locator('b').count()).toBe(0);
    expect(await md.innerText()).toContain('Raw <b onclick="alert(1)">html</b> is shown as text');
    expect(await md.innerText()).toContain('Entities: © & <tag>.');
    expect(await md.innerText()).toContain('bad link'); // text kept, link dropped
    // Fenced code inside markdown gets the code view (highlighted, copyable).
    expect(await md.locator('[data-testid="tcai-code"]').getAttribute('data-language')).toBe('ts');
    expect(await md.locator('[data-testid="tcai-code"] .token.keyword').count()).toBeGreaterThan(0);
  });

  it('code: syntax highlighting and a working copy button', async () => {
    const { page } = host;
    const code = page.locator('[data-message-id="all"] .tcai-block[data-block-type="code"] [data-testid="tcai-code"]');
    expect(await code.getAttribute('data-language')).toBe('python');
    expect(await code.locator('.token.keyword').count()).toBeGreaterThan(2);
    expect(await code.locator('.token.string').count()).toBeGreaterThan(0);
    expect(await code.locator('.tcai-code-title').innerText()).toBe('hello.py');
    await code.locator('[data-testid="tcai-code-copy"]').click();
    await expect.poll(() => code.locator('[data-testid="tcai-code-copy"]').getAttribute('data-state')).toBe('copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(CODE);
  });

  it('unknown blocks and blocks that fail their schema fall back to text; bad meta leaves the plain text', async () => {
    const { page } = host;
    await page.evaluate((m) => window.__host.addMessage(m), aiMessage('bad', 'plain fallback stays', aiMeta([{ type: 'diff', text: 'a diff without its patch field' }, { type: 'markdown', text: 'still fine' }])));
    const item = page.locator('[data-message-id="bad"]');
    await item.locator('[data-testid="tcai-markdown"]').waitFor();
    expect(await item.locator('[data-testid="tcai-fallback"]').innerText()).toContain('a diff without its patch field');

    await page.evaluate((m) => window.__host.addMessage(m), aiMessage('v2', 'text for old clients', { v: 2, something: 'new' }));
    const v2 = page.locator('[data-message-id="v2"]');
    await v2.locator('[data-testid="tcai-unsupported"]').waitFor();
    expect(await v2.locator('[data-testid="host-content"]').isVisible()).toBe(true);
  });

  it('shows every visible string in Chinese when Tailchat is in zh-CN', async () => {
    const { page } = host;
    await page.evaluate(() => window.__host.setLang('zh-CN'));
    await page.evaluate(
      (m) => window.__host.addMessage(m),
      aiMessage(
        'zh',
        '中文',
        aiMeta(
          [
            { type: 'tool', toolCallId: 'z1', name: 'search', status: 'running' },
            { type: 'approval', approvalId: 'z2', command: 'ls', status: 'pending' },
            { type: 'error', kind: 'timeout', message: '…' },
          ],
          'streaming'
        )
      )
    );
    const item = page.locator('[data-message-id="zh"]');
    await item.locator('[data-testid="tcai-approval"]').waitFor();
    expect(await item.locator('[data-testid="tcai-stop"]').innerText()).toContain('停止');
    expect(await item.locator('[data-testid="tcai-tool-status"]').innerText()).toBe('运行中');
    expect(await item.locator('[data-testid="tcai-approval-approve"]').innerText()).toBe('批准一次');
    expect(await item.locator('[data-testid="tcai-error"]').innerText()).toContain('超时');
    expect(await item.locator('[data-testid="tcai-run-status"]').innerText()).toContain('生成中');
    await item.screenshot({ path: `${SHOTS}/02-zh-CN.png` });
    await page.evaluate(() => window.__host.setLang('en-US'));
  });

  it('dark theme renders readable panels', async () => {
    const { page } = host;
    await page.evaluate(() => window.__host.setDark(true));
    await page.locator('[data-message-id="all"] [data-testid="tcai-diff"]').scrollIntoViewIfNeeded();
    await host.shot('03-every-panel-dark');
    await page.evaluate(() => window.__host.setDark(false));
  });
});
