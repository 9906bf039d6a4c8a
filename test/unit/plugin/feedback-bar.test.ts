/**
 * The 👍/👎 bar under agent replies (plugins/.../message/FeedbackBar.tsx, feedback-state.ts): what
 * each click sends and what the bar shows then. The clicks go through the bar's own rules
 * (`nextBar`); what the user sees is the bar's view rendered to HTML (no DOM in unit tests).
 */
import React from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Vote } from '../../../protocol/feedback.js';

let language = 'en-US';
vi.mock('@capital/common', () => ({
  getLanguage: () => language,
  showToasts: () => {},
  createPluginRequest: () => ({ post: async () => ({ data: {} }) }),
}));

const { FeedbackBarView } = await import('../../../plugins/com.yourcompany.ai/src/message/FeedbackBar.js');
const { IDLE, nextBar } = await import('../../../plugins/com.yourcompany.ai/src/message/feedback-state.js');
type BarState = import('../../../plugins/com.yourcompany.ai/src/message/feedback-state.js').BarState;
type BarEvent = import('../../../plugins/com.yourcompany.ai/src/message/feedback-state.js').BarEvent;
type VoteRequest = import('../../../plugins/com.yourcompany.ai/src/message/feedback-state.js').VoteRequest;

/**
 * One reply's bar with a pretend server: `click` applies the bar's rules and remembers what went
 * out; `answer` / `refuse` finish the vote on its way, as the server would.
 */
function bar(recorded: Vote | null = null) {
  let state: BarState = IDLE;
  const sent: VoteRequest[] = [];
  return {
    get state() {
      return state;
    },
    get recorded() {
      return recorded;
    },
    sent,
    click(event: BarEvent) {
      const next = nextBar(state, recorded, event);
      state = next.state;
      if (next.send) sent.push(next.send);
    },
    answer() {
      const last = sent[sent.length - 1]!;
      recorded = last.vote === 'none' ? null : last.vote;
      state = nextBar(state, recorded, { type: 'sent' }).state;
    },
    refuse() {
      state = nextBar(state, recorded, { type: 'failed' }).state;
    },
    html() {
      return renderToStaticMarkup(React.createElement(FeedbackBarView, { vote: recorded, state, onEvent: () => {} }));
    },
  };
}

/** The opening tag of the element with this data-testid (its attributes), or undefined. */
function tagOf(html: string, testId: string): string | undefined {
  return html.match(new RegExp(`<[a-z]+[^>]*data-testid="${testId}"[^>]*>`))?.[0];
}
const pressed = (html: string, thumb: 'up' | 'down') => tagOf(html, `ai-feedback-${thumb}`)?.match(/aria-pressed="(\w+)"/)?.[1];
const disabled = (html: string, testId: string) => /\sdisabled=""/.test(tagOf(html, testId) ?? '');

beforeEach(() => {
  language = 'en-US';
});

describe('the 👍/👎 bar under a finished reply', () => {
  it('shows both thumbs unpressed on a reply the user has not voted on, and nothing else', () => {
    const html = bar().html();
    expect(pressed(html, 'up')).toBe('false');
    expect(pressed(html, 'down')).toBe('false');
    expect(tagOf(html, 'ai-feedback-up')).toContain('aria-label="Good reply"');
    expect(tagOf(html, 'ai-feedback-comment')).toBeUndefined();
  });

  it('👍 records an up vote; the thumbs wait while it is on its way, then 👍 shows pressed', () => {
    const b = bar();
    b.click({ type: 'up' });
    expect(b.sent).toEqual([{ vote: 'up' }]);
    expect(disabled(b.html(), 'ai-feedback-up')).toBe(true);
    expect(disabled(b.html(), 'ai-feedback-down')).toBe(true);
    b.click({ type: 'down' }); // a click meanwhile does nothing
    expect(b.sent).toHaveLength(1);
    b.answer();
    expect(pressed(b.html(), 'up')).toBe('true');
    expect(disabled(b.html(), 'ai-feedback-up')).toBe(false);
    expect(tagOf(b.html(), 'ai-feedback-up')).toContain('aria-label="Take back your vote"');
  });

  it('a click on the pressed thumb takes the vote back', () => {
    const up = bar('up');
    up.click({ type: 'up' });
    expect(up.sent).toEqual([{ vote: 'none' }]);
    up.answer();
    expect(pressed(up.html(), 'up')).toBe('false');

    // 👎 taken back asks for no comment.
    const down = bar('down');
    down.click({ type: 'down' });
    expect(down.sent).toEqual([{ vote: 'none' }]);
    expect(tagOf(down.html(), 'ai-feedback-form')).toBeUndefined();
  });

  it('👎 opens the comment form first and sends nothing yet; Send records the 👎 with the comment, then says thanks', () => {
    const b = bar('up');
    b.click({ type: 'down' });
    expect(b.sent).toEqual([]);
    const form = b.html();
    expect(tagOf(form, 'ai-feedback-comment')).toContain('maxLength="1000"');
    expect(tagOf(form, 'ai-feedback-send')).toBeDefined();
    expect(tagOf(form, 'ai-feedback-skip')).toBeDefined();
    expect(pressed(form, 'up')).toBe('true'); // the 👍 stands until the 👎 is recorded

    b.click({ type: 'send', comment: '  The link is dead.  ' });
    expect(b.sent).toEqual([{ vote: 'down', comment: 'The link is dead.' }]);
    expect(disabled(b.html(), 'ai-feedback-send')).toBe(true);
    b.answer();
    const after = b.html();
    expect(pressed(after, 'down')).toBe('true');
    expect(pressed(after, 'up')).toBe('false');
    expect(tagOf(after, 'ai-feedback-form')).toBeUndefined();
    expect(after).toContain('Thanks for the feedback.');

    b.click({ type: 'thanksOver' });
    expect(b.html()).not.toContain('Thanks for the feedback.');
  });

  it('Skip records the 👎 without a comment, and so does Send with an empty one', () => {
    const skipped = bar();
    skipped.click({ type: 'down' });
    skipped.click({ type: 'skip' });
    expect(skipped.sent).toEqual([{ vote: 'down' }]);

    const empty = bar();
    empty.click({ type: 'down' });
    empty.click({ type: 'send', comment: '   ' });
    expect(empty.sent).toEqual([{ vote: 'down' }]);
  });

  it('a second 👎 closes the form without voting; 👍 while it is open closes it and votes up', () => {
    const closed = bar();
    closed.click({ type: 'down' });
    closed.click({ type: 'down' });
    expect(closed.sent).toEqual([]);
    expect(tagOf(closed.html(), 'ai-feedback-form')).toBeUndefined();

    const changed = bar();
    changed.click({ type: 'down' });
    changed.click({ type: 'up' });
    expect(changed.sent).toEqual([{ vote: 'up' }]);
    expect(tagOf(changed.html(), 'ai-feedback-form')).toBeUndefined();
  });

  it('a refused 👎 leaves the form open to try again, and the vote as it was', () => {
    const b = bar('up');
    b.click({ type: 'down' });
    b.click({ type: 'send', comment: 'Wrong year.' });
    b.refuse();
    const html = b.html();
    expect(tagOf(html, 'ai-feedback-form')).toBeDefined();
    expect(disabled(html, 'ai-feedback-send')).toBe(false);
    expect(pressed(html, 'up')).toBe('true');
    expect(html).not.toContain('Thanks');
  });

  it('speaks Chinese to a Chinese user', () => {
    language = 'zh-CN';
    const b = bar();
    b.click({ type: 'down' });
    const html = b.html();
    expect(tagOf(html, 'ai-feedback-up')).toContain('aria-label="回复有帮助"');
    expect(html).toContain('发送');
    expect(html).toContain('跳过');
  });
});
