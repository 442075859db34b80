// Just enough XML for AWS Query-protocol answers (STS credentials, STS and
// S3-style errors): the text of a named element, entities decoded. AWS's
// answers are flat and machine-written; this is not a general XML parser.

const NAMED_ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

/**
 * The inner markup of the first `<name>…</name>`, attributes allowed on the
 * start tag; undefined when there is none or it is not closed.
 * @param {string} xml
 * @param {string} name an element name (letters only: it goes into a RegExp)
 * @returns {string | undefined}
 */
export function xmlElement(xml, name) {
  // `<Code` must not match `<CodeName>`: the name ends at `>` or whitespace.
  const start = new RegExp(`<${name}[> \\t\\n\\r]`).exec(xml)
  if (!start) return undefined
  const startTagEnd = xml.indexOf('>', start.index)
  if (startTagEnd < 0) return undefined
  const contentEnd = xml.indexOf(`</${name}>`, startTagEnd + 1)
  return contentEnd < 0 ? undefined : xml.slice(startTagEnd + 1, contentEnd)
}

/**
 * The text of the first `<name>` element, entities decoded.
 * @param {string} xml
 * @param {string} name
 * @returns {string | undefined}
 */
export function xmlText(xml, name) {
  const inner = xmlElement(xml, name)
  return inner === undefined ? undefined : decodeEntities(inner)
}

/** Named and numeric entities; anything else (a bare `&`, `&bogus;`) stays as written. */
function decodeEntities(text) {
  return text.replace(/&([^&;]{1,9});/g, (whole, entity) => {
    if (Object.hasOwn(NAMED_ENTITIES, entity)) return NAMED_ENTITIES[entity]
    const numeric = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(entity)
    if (!numeric) return whole
    const codePoint = numeric[1] !== undefined ? parseInt(numeric[1], 16) : Number(numeric[2])
    const isScalar = codePoint <= 0x10ffff && !(codePoint >= 0xd800 && codePoint <= 0xdfff)
    return isScalar ? String.fromCodePoint(codePoint) : whole
  })
}
