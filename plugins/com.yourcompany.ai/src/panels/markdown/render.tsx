import React, { Suspense, lazy } from 'react';
import type { ReactNode } from 'react';
import type { Token, Tokens } from 'marked';
import { t } from '../../i18n';
import { decodeEntities, safeHref } from './safe';

// The highlighter (~27 KB gzip) only loads for replies that contain fenced code.
const CodeView = lazy(() => import('../CodeView').then((module) => ({ default: module.CodeView })));

function FencedCode(props: { code: string; language?: string }): React.ReactElement {
  return (
    <Suspense fallback={<pre className="tcai-pre">{props.code}</pre>}>
      <CodeView code={props.code} language={props.language} />
    </Suspense>
  );
}

/**
 * marked's token tree → React elements. We never ask marked for HTML: raw HTML in the source
 * (`html` tokens) is shown as literal text, so nothing the model writes becomes markup.
 */
export function renderBlocks(tokens: Token[] | undefined, keyPrefix = 'b'): ReactNode[] {
  return (tokens ?? []).map((token, index) => renderBlock(token, `${keyPrefix}${index}`));
}

function renderBlock(token: Token, key: string): ReactNode {
  switch (token.type) {
    case 'space':
    case 'def':
      return null;
    case 'heading': {
      const heading = token as Tokens.Heading;
      const level = Math.min(Math.max(heading.depth, 1), 6);
      return React.createElement(`h${level}`, { key, className: 'tcai-md-heading' }, renderInline(heading.tokens, key));
    }
    case 'paragraph':
      return <p key={key}>{renderInline((token as Tokens.Paragraph).tokens, key)}</p>;
    case 'text': {
      // Block-level text appears in tight list items.
      const text = token as Tokens.Text;
      return <React.Fragment key={key}>{text.tokens ? renderInline(text.tokens, key) : decodeEntities(text.text)}</React.Fragment>;
    }
    case 'code': {
      const code = token as Tokens.Code;
      return <FencedCode key={key} code={code.text} language={code.lang || undefined} />;
    }
    case 'blockquote':
      return <blockquote key={key}>{renderBlocks((token as Tokens.Blockquote).tokens, key)}</blockquote>;
    case 'list':
      return renderList(token as Tokens.List, key);
    case 'table':
      return renderTable(token as Tokens.Table, key);
    case 'hr':
      return <hr key={key} />;
    case 'html':
      return (
        <p key={key} className="tcai-md-literal">
          {(token as Tokens.HTML).text}
        </p>
      );
    case 'checkbox':
      return <input key={key} type="checkbox" disabled checked={(token as Tokens.Checkbox).checked} readOnly />;
    default:
      return <React.Fragment key={key}>{token.raw}</React.Fragment>;
  }
}

function renderList(list: Tokens.List, key: string): ReactNode {
  const items = list.items.map((item, index) => (
    <li key={`${key}.${index}`} className={item.task ? 'tcai-md-task' : undefined}>
      {renderBlocks(item.tokens, `${key}.${index}.`)}
    </li>
  ));
  if (list.ordered) {
    return (
      <ol key={key} start={typeof list.start === 'number' ? list.start : undefined}>
        {items}
      </ol>
    );
  }
  return <ul key={key}>{items}</ul>;
}

function renderTable(table: Tokens.Table, key: string): ReactNode {
  const cellStyle = (align: Tokens.TableCell['align']): React.CSSProperties | undefined => (align ? { textAlign: align } : undefined);
  return (
    <div key={key} className="tcai-md-table">
      <table>
        <thead>
          <tr>
            {table.header.map((cell, index) => (
              <th key={index} style={cellStyle(cell.align)}>
                {renderInline(cell.tokens, `${key}h${index}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.rows.map((row, rowIndex) => (
            <tr key={rowIndex}>
              {row.map((cell, index) => (
                <td key={index} style={cellStyle(cell.align)}>
                  {renderInline(cell.tokens, `${key}r${rowIndex}c${index}`)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function renderInline(tokens: Token[] | undefined, keyPrefix: string): ReactNode[] {
  return (tokens ?? []).map((token, index) => renderInlineToken(token, `${keyPrefix}.${index}`));
}

function renderInlineToken(token: Token, key: string): ReactNode {
  switch (token.type) {
    case 'text': {
      const text = token as Tokens.Text;
      return <React.Fragment key={key}>{text.tokens ? renderInline(text.tokens, key) : decodeEntities(text.text)}</React.Fragment>;
    }
    case 'escape':
      return <React.Fragment key={key}>{decodeEntities((token as Tokens.Escape).text)}</React.Fragment>;
    case 'strong':
      return <strong key={key}>{renderInline((token as Tokens.Strong).tokens, key)}</strong>;
    case 'em':
      return <em key={key}>{renderInline((token as Tokens.Em).tokens, key)}</em>;
    case 'del':
      return <del key={key}>{renderInline((token as Tokens.Del).tokens, key)}</del>;
    case 'codespan':
      return (
        <code key={key} className="tcai-md-codespan">
          {(token as Tokens.Codespan).text}
        </code>
      );
    case 'br':
      return <br key={key} />;
    case 'link': {
      const link = token as Tokens.Link;
      const href = safeHref(link.autolink ? link.href : decodeEntities(link.href));
      const children = renderInline(link.tokens, key);
      if (!href) return <span key={key}>{children}</span>;
      return (
        <a key={key} href={href} title={link.title ?? undefined} target="_blank" rel="noopener noreferrer nofollow">
          {children}
        </a>
      );
    }
    case 'image': {
      const image = token as Tokens.Image;
      const href = safeHref(decodeEntities(image.href));
      const label = t('md.image', { alt: decodeEntities(image.text) || image.href });
      if (!href) return <span key={key}>{label}</span>;
      return (
        <a key={key} href={href} target="_blank" rel="noopener noreferrer nofollow" className="tcai-md-image-link">
          {label}
        </a>
      );
    }
    case 'html':
      return <React.Fragment key={key}>{(token as Tokens.Tag).text}</React.Fragment>;
    case 'checkbox':
      return <input key={key} type="checkbox" disabled checked={(token as Tokens.Checkbox).checked} readOnly />;
    default:
      return <React.Fragment key={key}>{token.raw}</React.Fragment>;
  }
}
