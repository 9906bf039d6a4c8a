import React from 'react';
import type { ReactNode } from 'react';
import type { ElementContent, Root } from 'hast';
import { refractor } from './languages';

/**
 * hast → React, keeping only text and the token class names. Nothing from the input ever becomes
 * an attribute other than `className`, and no HTML string is produced, so highlighting cannot
 * inject markup.
 */
function toReact(nodes: ElementContent[], keyPrefix: string): ReactNode[] {
  return nodes.map((node, index) => {
    if (node.type === 'text') return node.value;
    if (node.type !== 'element') return null;
    const raw = node.properties?.className;
    const className = Array.isArray(raw) ? raw.join(' ') : typeof raw === 'string' ? raw : undefined;
    const key = `${keyPrefix}.${index}`;
    return (
      <span key={key} className={className}>
        {toReact(node.children, key)}
      </span>
    );
  });
}

/** Highlighted tokens of `code` in a registered `language`, or the plain text. */
export function highlight(code: string, language: string | undefined): ReactNode {
  if (!language) return code;
  let tree: Root;
  try {
    tree = refractor.highlight(code, language);
  } catch {
    return code;
  }
  return toReact(tree.children as ElementContent[], 'h');
}
