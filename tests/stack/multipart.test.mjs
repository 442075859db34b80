// The stack's streaming multipart/form-data reader (S3 POST uploads), against
// bodies that undici's FormData encoder writes, split at every possible point.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MultipartReader, boundaryOf } from '../../stack/src/multipart.mjs';

/** A body as fetch would send it, and its boundary. */
async function encode(entries) {
  const form = new FormData();
  for (const [name, value, filename] of entries) {
    if (filename === undefined) form.append(name, value);
    else form.append(name, new Blob([value]), filename);
  }
  const request = new Request('http://x/', { method: 'POST', body: form });
  return { body: Buffer.from(await request.arrayBuffer()), boundary: boundaryOf(request.headers.get('content-type')) };
}

function read({ body, boundary }, pieceSize = body.length, fieldsLimit = 20 * 1024) {
  let file;
  const data = [];
  const reader = new MultipartReader(boundary, {
    fieldsLimit,
    onFile: (fields, part) => { file = { fields: fields.map(({ name, value }) => [name, value]), part }; },
    onFileData: (bytes) => data.push(Buffer.from(bytes)),
  });
  for (let at = 0; at < body.length; at += pieceSize) reader.write(body.subarray(at, at + pieceSize));
  return { complete: reader.end(), file, data: Buffer.concat(data), fields: reader.fields };
}

test('fields before the file, the file streamed out, fields after it ignored; split anywhere', async () => {
  // File bytes that look like the framing: CRLF, dashes, a partial delimiter.
  const content = Buffer.from('line1\r\n--\r\n--not-the-boundary\r\n\r\nend\r\n-');
  const encoded = await encode([['key', 'uploads/${filename}'], ['x-amz-meta-note', 'café "quoted"'], ['file', content, 'a "b".txt'], ['after', 'ignored']]);
  for (const pieceSize of [encoded.body.length, 13, 1]) {
    const got = read(encoded, pieceSize);
    assert.equal(got.complete, true);
    assert.deepEqual(got.file.fields, [['key', 'uploads/${filename}'], ['x-amz-meta-note', 'café "quoted"']]);
    assert.equal(got.file.part.filename, 'a "b".txt');
    assert.deepEqual(got.data, content, `piece size ${pieceSize}`);
  }
});

test('a body without a file ends incomplete; a truncated one or a non-form one is MalformedPOSTRequest; too many field bytes are refused', async () => {
  const noFile = await encode([['key', 'k']]);
  assert.equal(read(noFile).complete, false);
  assert.deepEqual(read(noFile).fields, [{ name: 'key', value: 'k' }]);
  const withFile = await encode([['key', 'k'], ['file', Buffer.alloc(1000, 1), 'f']]);
  assert.throws(() => read({ ...withFile, body: withFile.body.subarray(0, 500) }), { code: 'MalformedPOSTRequest' });
  assert.throws(() => read({ boundary: 'b', body: Buffer.from('--b\r\nno-disposition: x\r\n\r\nv\r\n--b--') }), { code: 'MalformedPOSTRequest' });
  const bigField = await encode([['x-amz-meta-big', 'x'.repeat(2000)], ['file', 'f', 'f']]);
  assert.throws(() => read(bigField, undefined, 1000), { code: 'MaxPostPreDataLengthExceededError' });
  assert.equal(boundaryOf('multipart/form-data; boundary="a b"'), 'a b');
  assert.equal(boundaryOf('application/x-www-form-urlencoded'), undefined);
});
