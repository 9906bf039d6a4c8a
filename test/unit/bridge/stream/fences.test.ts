import { describe, expect, it } from 'vitest';
import { splitFences } from '../../../../bridge/stream/fences.js';

describe('splitFences', () => {
  it('splits prose, code and diff blocks in order', () => {
    const md = 'Intro\n\n```ts\nconst a = 1;\n```\nMiddle\n```diff\n-a\n+b\n```\nEnd';
    expect(splitFences(md)).toEqual([
      { type: 'markdown', text: 'Intro' },
      { type: 'code', code: 'const a = 1;', language: 'ts' },
      { type: 'markdown', text: 'Middle' },
      { type: 'diff', patch: '-a\n+b' },
      { type: 'markdown', text: 'End' },
    ]);
  });
  it('shows a still-open fence as a growing code block', () => {
    expect(splitFences('See:\n```py\nprint(1)\nprint(')).toEqual([
      { type: 'markdown', text: 'See:' },
      { type: 'code', code: 'print(1)\nprint(', language: 'py' },
    ]);
  });
  it('keeps shorter fences inside longer ones as code', () => {
    expect(splitFences('````md\n```js\nx\n```\n````')).toEqual([{ type: 'code', code: '```js\nx\n```', language: 'md' }]);
  });
});
