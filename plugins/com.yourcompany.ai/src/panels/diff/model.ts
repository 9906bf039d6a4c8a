/**
 * Unified diff text → files → flat display rows (unified or split). Parsing is jsdiff's
 * `parsePatch` (multi-file, git headers, renames, binary markers); the rows are ours because the
 * view is virtualised: every row is one absolutely positioned line of known height.
 */
import { parsePatch } from 'diff';
import { resolveLanguage } from '../../highlight/languages';

export type LineKind = 'add' | 'del' | 'ctx';

export interface DiffLine {
  kind: LineKind;
  oldNo?: number;
  newNo?: number;
  text: string;
  /** Followed by "\ No newline at end of file". */
  noNewline?: boolean;
}

export interface DiffHunk {
  header: string;
  lines: DiffLine[];
}

export type FileStatus = 'modified' | 'added' | 'deleted' | 'renamed';

export interface DiffFile {
  displayName: string;
  oldName?: string;
  status: FileStatus;
  binary: boolean;
  language?: string;
  additions: number;
  deletions: number;
  hunks: DiffHunk[];
}

export type DiffMode = 'unified' | 'split';

export type Row =
  | { kind: 'file'; file: DiffFile; fileIndex: number; collapsed: boolean }
  | { kind: 'hunk'; text: string }
  | { kind: 'note'; text: 'binary' | 'empty' }
  | { kind: 'line'; line: DiffLine; language?: string }
  | { kind: 'pair'; left?: DiffLine; right?: DiffLine; language?: string };

/** Row heights in px; the CSS uses the same values (see styles.css `.tcai-diff-*`). */
export const ROW_HEIGHT: Record<Row['kind'], number> = { file: 34, hunk: 22, note: 22, line: 20, pair: 20 };

function stripPrefix(name: string | undefined): string | undefined {
  if (!name || name === '/dev/null') return undefined;
  return name.replace(/^[ab]\//, '');
}

/** Parse a (possibly multi-file) unified diff. Throws on malformed input (e.g. a half-streamed hunk). */
export function parseDiff(patch: string, fallbackName?: string): DiffFile[] {
  return parsePatch(patch).map((parsed): DiffFile => {
    const oldName = stripPrefix(parsed.oldFileName);
    const newName = stripPrefix(parsed.newFileName);
    const status: FileStatus =
      parsed.isCreate || (!oldName && newName)
        ? 'added'
        : parsed.isDelete || (oldName && !newName)
          ? 'deleted'
          : parsed.isRename || (oldName && newName && oldName !== newName)
            ? 'renamed'
            : 'modified';
    const displayName = newName ?? oldName ?? parsed.index ?? fallbackName ?? '';
    let additions = 0;
    let deletions = 0;
    const hunks = parsed.hunks.map((hunk): DiffHunk => {
      let oldNo = hunk.oldStart;
      let newNo = hunk.newStart;
      const lines: DiffLine[] = [];
      for (const raw of hunk.lines) {
        const marker = raw[0];
        const text = raw.slice(1);
        if (marker === '+') {
          lines.push({ kind: 'add', newNo: newNo++, text });
          additions++;
        } else if (marker === '-') {
          lines.push({ kind: 'del', oldNo: oldNo++, text });
          deletions++;
        } else if (marker === '\\') {
          const previous = lines[lines.length - 1];
          if (previous) previous.noNewline = true;
        } else {
          lines.push({ kind: 'ctx', oldNo: oldNo++, newNo: newNo++, text });
        }
      }
      const header = `@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`;
      return { header, lines };
    });
    return {
      displayName,
      oldName: status === 'renamed' ? oldName : undefined,
      status,
      binary: Boolean(parsed.isBinary),
      language: resolveLanguage(undefined, displayName || fallbackName),
      additions,
      deletions,
      hunks,
    };
  });
}

/** Split view: deletions and the additions that follow them side by side, context on both sides. */
function pairLines(lines: DiffLine[]): Array<{ left?: DiffLine; right?: DiffLine }> {
  const pairs: Array<{ left?: DiffLine; right?: DiffLine }> = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as DiffLine;
    if (line.kind === 'ctx') {
      pairs.push({ left: line, right: line });
      i++;
      continue;
    }
    const deleted: DiffLine[] = [];
    const added: DiffLine[] = [];
    while (i < lines.length && (lines[i] as DiffLine).kind === 'del') deleted.push(lines[i++] as DiffLine);
    while (i < lines.length && (lines[i] as DiffLine).kind === 'add') added.push(lines[i++] as DiffLine);
    for (let k = 0; k < Math.max(deleted.length, added.length); k++) pairs.push({ left: deleted[k], right: added[k] });
  }
  return pairs;
}

export function buildRows(files: DiffFile[], mode: DiffMode, collapsed: ReadonlySet<number>): Row[] {
  const rows: Row[] = [];
  files.forEach((file, fileIndex) => {
    const isCollapsed = collapsed.has(fileIndex);
    rows.push({ kind: 'file', file, fileIndex, collapsed: isCollapsed });
    if (isCollapsed) return;
    if (file.binary) {
      rows.push({ kind: 'note', text: 'binary' });
      return;
    }
    if (file.hunks.length === 0) rows.push({ kind: 'note', text: 'empty' });
    for (const hunk of file.hunks) {
      rows.push({ kind: 'hunk', text: hunk.header });
      if (mode === 'unified') {
        for (const line of hunk.lines) rows.push({ kind: 'line', line, language: file.language });
      } else {
        for (const pair of pairLines(hunk.lines)) rows.push({ kind: 'pair', ...pair, language: file.language });
      }
    }
  });
  return rows;
}

/** Display width of a line in `ch` (tabs as 4, East Asian wide characters as 2), capped. */
function displayWidth(text: string): number {
  let width = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    width += code === 9 ? 4 : code >= 0x1100 && (code <= 0x115f || (code >= 0x2e80 && code <= 0xa4cf) || (code >= 0xac00 && code <= 0xd7a3) || (code >= 0xf900 && code <= 0xfaff) || (code >= 0xff00 && code <= 0xff60)) ? 2 : 1;
  }
  return width;
}

export interface DiffMetrics {
  /** Widest line, in ch (at least 40, at most 2000). */
  codeWidth: number;
  /** Digits of the largest line number. */
  numberWidth: number;
}

export function measure(files: DiffFile[]): DiffMetrics {
  let widest = 40;
  let maxLine = 1;
  for (const file of files) {
    for (const hunk of file.hunks) {
      for (const line of hunk.lines) {
        widest = Math.max(widest, displayWidth(line.text));
        maxLine = Math.max(maxLine, line.oldNo ?? 0, line.newNo ?? 0);
      }
    }
  }
  return { codeWidth: Math.min(widest + 2, 2000), numberWidth: String(maxLine).length };
}
