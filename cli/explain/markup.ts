// The few pieces of SVG markup the renderer writes, escaped once here so every text in the
// picture (titles, values, notes that quote a file name) stays well-formed XML.

export type Attributes = Record<string, string | number | undefined>;

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Coordinates to two decimals: enough for a screen, and a stable file to commit and diff. */
function attributeValue(value: string | number): string {
  return typeof value === 'number' ? String(Math.round(value * 100) / 100) : escapeXml(value);
}

/** An element; `children` is markup already (a string from tag/text), and none makes it self-closing. */
export function tag(name: string, attributes: Attributes, children?: string | string[]): string {
  const attrs = Object.entries(attributes)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${attributeValue(v as string | number)}"`)
    .join('');
  if (children === undefined) return `<${name}${attrs}/>`;
  const inner = Array.isArray(children) ? children.join('\n') : children;
  return `<${name}${attrs}>${inner}</${name}>`;
}

/** A <text> element with escaped content. */
export function text(content: string, attributes: Attributes): string {
  return tag('text', attributes, escapeXml(content));
}

/**
 * A generous estimate of a line's width in the generic sans-serif font: the renderer has no
 * font metrics (the SVG embeds no font), so it leaves room rather than risk a clipped line.
 */
export function textWidth(content: string, fontSize: number): number {
  return content.length * fontSize * 0.6;
}

/** Splits `items` into lines of at most about `maxChars`, the first starting with `prefix`. */
export function wrapItems(prefix: string, items: string[], separator: string, maxChars: number): string[] {
  const lines: string[] = [];
  let line = prefix;
  for (const item of items) {
    const joined = line === prefix || line.trim() === '' ? `${line}${item}` : `${line}${separator}${item}`;
    if (joined.length > maxChars && line.trim() !== '' && line !== prefix) {
      lines.push(line);
      line = `    ${item}`;
    } else {
      line = joined;
    }
  }
  lines.push(line);
  return lines;
}
