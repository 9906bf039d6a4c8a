/**
 * Splits a long reply into message-sized parts for clients that read `content`. Breaks fall
 * between paragraphs, never inside a code fence: a fenced block longer than a part is closed at
 * the end of one part and reopened (same info string) at the start of the next, so every part
 * is valid markdown on its own.
 */
const FENCE = /^\s{0,3}(`{3,}|~{3,})(.*)$/;

export function splitLongText(text: string, max: number): string[] {
  if (text.length <= max) return [text];
  const parts: string[] = [];
  let current: string[] = [];
  let size = 0;
  let fence: { marker: string; info: string } | undefined;

  const flush = () => {
    if (current.length === 0) return;
    if (fence) current.push(fence.marker);
    parts.push(current.join('\n').replace(/\n+$/, ''));
    current = fence ? [fence.marker + fence.info] : [];
    size = current.reduce((n, l) => n + l.length + 1, 0);
  };

  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    const reserve = fence ? fence.marker.length + 1 : 0;
    // A single line longer than a part is cut hard (nothing better exists for it).
    while (line.length + 1 + reserve > max) {
      const room = Math.max(1, max - size - reserve - 1);
      current.push(line.slice(0, room));
      line = line.slice(room);
      flush();
    }
    const atParagraph = !fence && line.trim() === '';
    if (size + line.length + 1 + reserve > max) flush();
    else if (atParagraph && size > max * 0.8) {
      flush();
      continue; // the blank line itself is the break
    }
    current.push(line);
    size += line.length + 1;
    const m = FENCE.exec(line);
    if (m) {
      if (!fence) fence = { marker: m[1]!, info: m[2]! };
      else if (m[1]!.startsWith(fence.marker[0]!) && m[1]!.length >= fence.marker.length && m[2]!.trim() === '') fence = undefined;
    }
  }
  if (fence) fence = undefined; // an unclosed fence stays as the author left it
  if (current.length) parts.push(current.join('\n'));
  return parts.filter((p) => p.trim() !== '');
}
