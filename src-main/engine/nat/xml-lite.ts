/**
 * A small, bounded XML reader for what UPnP needs: device descriptions and SOAP answers.
 * Elements, attributes (skipped), text, comments, CDATA, processing instructions and the five
 * predefined entities plus character references. No DTDs (a DOCTYPE is refused, so no entity
 * expansion), no namespaces beyond dropping the prefix: `<s:Body>` is `Body`.
 *
 * Invariants: at most XML_MAX_ELEMENTS elements and XML_MAX_DEPTH nesting; the input is already
 * capped in bytes by the caller; malformed input raises NatError, never anything else; the work
 * is linear in the input.
 */
import { XML_MAX_DEPTH, XML_MAX_ELEMENTS } from '../limits';
import { NatError } from './nat-error';

export interface XmlElement {
  /** Local name, prefix dropped. */
  name: string;
  children: XmlElement[];
  /** The element's own text, entities decoded, trimmed. */
  text: string;
}

const NAME = /^[A-Za-z_][\w.:-]*/;

export function parseXml(source: string): XmlElement {
  const root: XmlElement = { name: '#document', children: [], text: '' };
  const stack: XmlElement[] = [root];
  const texts: string[][] = [[]];
  let count = 0;
  let i = 0;
  const n = source.length;
  while (i < n) {
    const lt = source.indexOf('<', i);
    const textEnd = lt === -1 ? n : lt;
    if (textEnd > i) texts[texts.length - 1]!.push(decodeEntities(source.slice(i, textEnd)));
    if (lt === -1) break;
    i = lt;
    if (source.startsWith('<!--', i)) {
      i = skipPast(source, i + 4, '-->');
    } else if (source.startsWith('<![CDATA[', i)) {
      const end = source.indexOf(']]>', i + 9);
      if (end === -1) throw new NatError('unterminated CDATA');
      texts[texts.length - 1]!.push(source.slice(i + 9, end));
      i = end + 3;
    } else if (source.startsWith('<?', i)) {
      i = skipPast(source, i + 2, '?>');
    } else if (source.startsWith('<!', i)) {
      throw new NatError('XML declarations (DOCTYPE) are not accepted');
    } else if (source.startsWith('</', i)) {
      const gt = source.indexOf('>', i);
      if (gt === -1) throw new NatError('unterminated end tag');
      const name = localName(source.slice(i + 2, gt).trim());
      const open = stack.pop();
      const own = texts.pop();
      if (!open || open === root || !own || open.name !== name) {
        throw new NatError(`unexpected </${name.slice(0, 40)}>`);
      }
      open.text = own.join('').trim();
      i = gt + 1;
    } else {
      const gt = findTagEnd(source, i + 1);
      const body = source.slice(i + 1, gt);
      const m = NAME.exec(body);
      if (!m) throw new NatError('malformed start tag');
      const selfClosing = body.endsWith('/');
      if (++count > XML_MAX_ELEMENTS) throw new NatError('too many XML elements');
      const el: XmlElement = { name: localName(m[0]), children: [], text: '' };
      stack[stack.length - 1]!.children.push(el);
      if (!selfClosing) {
        if (stack.length > XML_MAX_DEPTH) throw new NatError('XML nested too deeply');
        stack.push(el);
        texts.push([]);
      }
      i = gt + 1;
    }
  }
  if (stack.length !== 1)
    throw new NatError(`unclosed <${stack[stack.length - 1]!.name.slice(0, 40)}>`);
  if (root.children.length !== 1) throw new NatError('an XML document has one root element');
  return root.children[0]!;
}

/** Every descendant (depth first, document order) named `name`. */
export function findAll(el: XmlElement, name: string, out: XmlElement[] = []): XmlElement[] {
  for (const c of el.children) {
    if (c.name === name) out.push(c);
    findAll(c, name, out);
  }
  return out;
}

/** The first descendant named `name`, or null. */
export function findFirst(el: XmlElement, name: string): XmlElement | null {
  for (const c of el.children) {
    if (c.name === name) return c;
    const deeper = findFirst(c, name);
    if (deeper) return deeper;
  }
  return null;
}

/** The text of a direct child named `name`, or null. */
export function childText(el: XmlElement, name: string): string | null {
  return el.children.find((c) => c.name === name)?.text ?? null;
}

/** Escapes text for an element's content (SOAP arguments). */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function localName(qname: string): string {
  const colon = qname.lastIndexOf(':');
  return colon === -1 ? qname : qname.slice(colon + 1);
}

function skipPast(source: string, from: number, end: string): number {
  const at = source.indexOf(end, from);
  if (at === -1) throw new NatError(`unterminated ${end}`);
  return at + end.length;
}

/** The `>` closing a tag, skipping quoted attribute values (which may hold `>`). */
function findTagEnd(source: string, from: number): number {
  let quote: string | null = null;
  for (let j = from; j < source.length; j++) {
    const c = source[j]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '>') {
      return j;
    } else if (c === '<') {
      throw new NatError('< inside a tag');
    }
  }
  throw new NatError('unterminated tag');
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#\d{1,7}|[a-z]{2,4});/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
        throw new NatError('bad character reference');
      }
      return String.fromCodePoint(code);
    }
    const named = ENTITIES[ref];
    if (named === undefined) throw new NatError(`unknown entity &${ref};`);
    return named;
  });
}
