import { describe, expect, it } from 'vitest';
import { attachmentsOfPrompt, parseAttachments, promptWithAttachments } from '../../../../bridge/attachments/parse.js';
import { ATTACHMENT_TEXT, checkCount, formatBytes, typeAllowed } from '../../../../bridge/attachments/policy.js';
import { promptFromContent } from '../../../../bridge/message/bbcode.js';

const IMG = '{BACKEND}/static/files/6b04/3f2a9c.png';
const PDF = '{BACKEND}/static/files/6b04/9e1d.pdf';

describe('parseAttachments: what the web client writes', () => {
  it('reads an image with its size and a file card with its name, in message order', () => {
    const content = `[at=bot]AI[/at] compare [card type=file url=${PDF}]Quarterly report.pdf[/card] with [img height=16 width=24]${IMG}[/img]`;
    expect(parseAttachments(content)).toEqual([
      { kind: 'file', url: PDF, name: 'Quarterly report.pdf' },
      { kind: 'image', url: IMG, name: 'image.png', width: 24, height: 16 },
    ]);
  });

  it('accepts quoted attributes, a bare [img] and names images by position', () => {
    const content = `[img]${IMG}[/img] [IMG width="10" height="20"]https://cdn.example.com/static/b.JPG[/IMG] [card type="file" url="${PDF}"]a.pdf[/card]`;
    expect(parseAttachments(content)).toEqual([
      { kind: 'image', url: IMG, name: 'image.png' },
      { kind: 'image', url: 'https://cdn.example.com/static/b.JPG', name: 'image-2.jpg', width: 10, height: 20 },
      { kind: 'file', url: PDF, name: 'a.pdf' },
    ]);
  });

  it('ignores other cards, empty images and repeats of the same link', () => {
    const content = `[card type=music url=${PDF}]song[/card] [img][/img] [img]${IMG}[/img] [img]${IMG}[/img] [card type=file]no url[/card]`;
    expect(parseAttachments(content)).toEqual([{ kind: 'image', url: IMG, name: 'image.png' }]);
  });

  it('falls back to the link for a file card without a name', () => {
    expect(parseAttachments('[card type=file url={BACKEND}/static/files/u/notes%20v2.md][/card]')).toEqual([
      { kind: 'file', url: '{BACKEND}/static/files/u/notes%20v2.md', name: 'notes v2.md' },
    ]);
  });

  it('a reply to an image brings the image; the message’s own files come first', () => {
    const refs = attachmentsOfPrompt({
      content: `[at=bot]AI[/at] and this [card type=file url=${PDF}]r.pdf[/card]`,
      meta: { reply: { content: `[img height=1 width=1]${IMG}[/img] [card type=file url=${PDF}]r.pdf[/card]` } },
    });
    expect(refs.map((r) => r.url)).toEqual([PDF, IMG]);
  });
});

describe('prompt text with attachments', () => {
  it('promptFromContent leaves placeholders instead of storage links (summaries read them too)', () => {
    expect(promptFromContent(`[at=bot]AI[/at] what is [img width=1 height=1]${IMG}[/img] and [card type=file url=${PDF}]r.pdf[/card]?`, 'bot')).toBe(
      'what is [image] and [file: r.pdf] ?',
    );
  });

  it('the engine prompt drops the placeholders; a prompt of attachments only asks to look at them', () => {
    const one = [{ kind: 'image' as const, url: IMG, name: 'image.png' }];
    expect(promptWithAttachments('what is [image] and [file: r.pdf] ?', one)).toBe('what is and ?');
    expect(promptWithAttachments('[图片]', one)).toBe('Please look at the attached file.');
    expect(promptWithAttachments('[image] [image]', [...one, ...one])).toBe('Please look at the attached files.');
    // without attachments a typed "[image]" is just text
    expect(promptWithAttachments('draw an [image]', [])).toBe('draw an [image]');
  });
});

describe('attachment limits', () => {
  const ref = { kind: 'image' as const, url: IMG, name: 'image.png' };
  it('refuses too many, names the limit; 0 turns attachments off', () => {
    expect(checkCount([ref, ref], { maxCount: 2 })).toBeUndefined();
    expect(checkCount([ref, ref, ref], { maxCount: 2 })).toMatchObject({ reason: 'too-many', text: ATTACHMENT_TEXT.tooMany(2, 3) });
    expect(ATTACHMENT_TEXT.tooMany(2, 3)).toContain('the limit is 2');
    expect(checkCount([ref], { maxCount: 0 })).toMatchObject({ reason: 'off' });
    expect(checkCount([], { maxCount: 0 })).toBeUndefined();
  });

  it('matches MIME types exactly or by family wildcard', () => {
    expect(typeAllowed('image/png', ['image/png'])).toBe(true);
    expect(typeAllowed('image/webp', ['image/*'])).toBe(true);
    expect(typeAllowed('application/pdf', ['image/*', 'text/plain'])).toBe(false);
    expect(typeAllowed('application/zip', ['*/*'])).toBe(true);
  });

  it('says sizes the way people read them', () => {
    expect(formatBytes(512)).toBe('512 bytes');
    expect(formatBytes(262_144)).toBe('256 KB');
    expect(formatBytes(4 * 1024 * 1024)).toBe('4 MB');
    expect(ATTACHMENT_TEXT.tooBig('a.pdf', 1_048_576, 1_572_864)).toContain('"a.pdf" is too big (1.5 MB): attachments may be at most 1 MB');
  });
});
