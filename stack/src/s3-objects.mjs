// The S3 endpoint's objects, per bucket. Small ones stay in memory; larger
// ones go to a temporary file as they arrive, so that a 100 MB upload can be
// read back without the stack holding it; past `storeLimit` only the object's
// length, ETag and checksums are kept (a 1 GiB bench upload need not touch the
// disk). The temporary folder goes when the stack stops.
import { createReadStream, createWriteStream, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MEMORY_LIMIT = 8 * 1024 * 1024;
const STORE_LIMIT = 128 * 1024 * 1024;

/**
 * An object: { size, etag, contentType, checksum?: { algorithm, value },
 * storage: 'memory' | 'file' | 'metadata', body?: Buffer, path?: string }.
 */
export class ObjectStore {
  #buckets;
  #memoryLimit;
  #storeLimit;
  #dir;
  #files = 0;

  constructor(bucketNames, { memoryLimit = MEMORY_LIMIT, storeLimit = STORE_LIMIT } = {}) {
    this.#buckets = new Map(bucketNames.map((name) => [name, new Map()]));
    this.#memoryLimit = memoryLimit;
    this.#storeLimit = storeLimit;
  }

  hasBucket(bucket) {
    return this.#buckets.has(bucket);
  }

  get(bucket, key) {
    return this.#buckets.get(bucket)?.get(key);
  }

  /** @returns {boolean} whether there was one */
  delete(bucket, key) {
    const objects = this.#buckets.get(bucket);
    const object = objects?.get(key);
    if (object) release(object);
    return objects?.delete(key) ?? false;
  }

  /** Starts receiving a body; commit it under a key once it has passed every check. */
  newUpload() {
    return new Upload(this);
  }

  put(bucket, key, object) {
    const objects = this.#buckets.get(bucket);
    const previous = objects.get(key);
    if (previous) release(previous);
    objects.set(key, object);
  }

  /** A readable stream of a stored body, or null when only its metadata was kept. */
  read(object) {
    if (object.storage === 'file') return createReadStream(object.path);
    return null;
  }

  get memoryLimit() { return this.#memoryLimit; }
  get storeLimit() { return this.#storeLimit; }

  newFilePath() {
    this.#dir ??= mkdtempSync(join(tmpdir(), 'iamfetch-stack-s3-'));
    return join(this.#dir, `object-${++this.#files}`);
  }

  stop() {
    if (this.#dir) rmSync(this.#dir, { recursive: true, force: true });
    this.#dir = undefined;
  }
}

function release(object) {
  if (object.storage === 'file') {
    try {
      unlinkSync(object.path);
    } catch {
      // already gone with the folder
    }
  }
}

class Upload {
  #store;
  #pieces = [];
  #size = 0;
  #file;
  #path;
  #drained;
  #storage = 'memory';

  constructor(store) {
    this.#store = store;
  }

  /** Takes the next decoded bytes; call flushed() before feeding more. */
  push(bytes) {
    this.#size += bytes.length;
    if (this.#storage === 'memory' && this.#size > this.#store.memoryLimit) this.#toFile();
    if (this.#storage === 'file' && this.#size > this.#store.storeLimit) this.#toMetadata();
    if (this.#storage === 'memory') this.#pieces.push(bytes);
    // A file dropped (abort, store limit) rejects the wait: nobody waits for it then.
    else if (this.#storage === 'file' && !this.#file.write(bytes)) this.#drained ??= once(this.#file, 'drain').catch(() => {});
  }

  /** Resolves once the file has taken what it was given, so memory stays bounded. */
  async flushed() {
    if (!this.#drained) return;
    await this.#drained;
    this.#drained = undefined;
  }

  #toFile() {
    this.#path = this.#store.newFilePath();
    this.#file = createWriteStream(this.#path);
    for (const piece of this.#pieces) this.#file.write(piece);
    this.#pieces = [];
    this.#storage = 'file';
  }

  #toMetadata() {
    this.abort();
    this.#storage = 'metadata';
  }

  /** Drops what was received (a failed check). */
  abort() {
    this.#pieces = [];
    this.#drained = undefined;
    if (this.#file) {
      // Writes still queued fail once it is destroyed; they are meant to.
      this.#file.on('error', () => {});
      this.#file.destroy();
      release({ storage: 'file', path: this.#path });
      this.#file = undefined;
    }
  }

  /** @returns {Promise<object>} the object, its body settled where it lives */
  async commit(metadata) {
    const object = { ...metadata, size: this.#size, storage: this.#storage };
    if (this.#storage === 'memory') object.body = Buffer.concat(this.#pieces);
    if (this.#storage === 'file') {
      this.#file.end();
      await once(this.#file, 'finish');
      object.path = this.#path;
    }
    return object;
  }
}
