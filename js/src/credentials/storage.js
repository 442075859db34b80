// Where Cognito identity ids are kept between page loads: localStorage where
// the runtime has it, else memory. Any { get, set, remove } (sync or async) works.

/** @returns {{ get(key: string): Promise<string | null>, set(key: string, value: string): Promise<void>, remove(key: string): Promise<void> }} */
export function defaultStorage() {
  const local = localStorageIfUsable()
  if (local) {
    return {
      get: async (key) => local.getItem(key),
      set: async (key, value) => local.setItem(key, value),
      remove: async (key) => local.removeItem(key),
    }
  }
  return memoryStorage()
}

export function memoryStorage() {
  const values = new Map()
  return {
    get: async (key) => values.get(key) ?? null,
    set: async (key, value) => void values.set(key, value),
    remove: async (key) => void values.delete(key),
  }
}

function localStorageIfUsable() {
  try {
    // Node 22+ may define localStorage without a backing file: probe it.
    const local = globalThis.localStorage
    if (!local) return undefined
    local.getItem('iamfetch:probe')
    return local
  } catch {
    return undefined
  }
}
