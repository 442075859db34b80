// Whether a soak's memory stayed flat: samples after a full GC, and the bound
// the end must stay within. Used by the client soak (soak.mjs) and the proxy
// soak (proxy-soak.mjs).
import v8 from 'node:v8'
import vm from 'node:vm'

/**
 * Memory is flat when, between the sample at a tenth of the run (10k of 100k)
 * and the end, heapUsed after a full GC grows less than 20% or 8 MiB, whichever
 * is larger, and RSS less than 25% or 48 MiB. Anything kept per request grows
 * without bound: 90,000 requests each keeping one signed Request (~1 KiB with its
 * Headers) would add ~90 MiB, and even 100 bytes each would pass 8 MiB. The
 * floors absorb what a short run cannot average out: V8's code and feedback
 * caches, undici's connection pool, malloc's arenas.
 */
export const MEMORY_BOUND = { heapShare: 0.2, heapFloor: 8 * 2 ** 20, rssShare: 0.25, rssFloor: 48 * 2 ** 20 }

/**
 * The memory verdict over samples taken after a full GC (sampleMemory): the
 * baseline is past warm-up (JIT, the wasm instance, undici's pool), a tenth of
 * the run and at least 1,000 requests when there are 2,000; the end must stay
 * within MEMORY_BOUND of it. Shared with the proxy soak (proxy-soak.mjs).
 */
export function memoryVerdict(samples, requests) {
  samples.sort((a, b) => a.requests - b.requests)
  const baseline = samples.find((s) => s.requests >= Math.max(requests / 10, Math.min(1000, requests / 2))) ?? samples[0]
  const end = samples.at(-1)
  const heapLimit = baseline.heapUsed + Math.max(baseline.heapUsed * MEMORY_BOUND.heapShare, MEMORY_BOUND.heapFloor)
  const rssLimit = baseline.rss + Math.max(baseline.rss * MEMORY_BOUND.rssShare, MEMORY_BOUND.rssFloor)
  return { baseline: baseline.requests, heapLimit, rssLimit, flat: end.heapUsed <= heapLimit && end.rss <= rssLimit }
}

export function sampleMemory(requests, elapsedMs, gc) {
  gc()
  gc()
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage()
  const resources = {}
  for (const name of process.getActiveResourcesInfo()) resources[name] = (resources[name] ?? 0) + 1
  return { requests, elapsedMs, rss, heapUsed, external, arrayBuffers, resources }
}

/** A full GC on demand, with or without --expose-gc on the command line. */
export function exposeGc() {
  if (typeof globalThis.gc === 'function') return globalThis.gc
  v8.setFlagsFromString('--expose-gc')
  return vm.runInNewContext('gc')
}

export const mib = (bytes) => (bytes / 2 ** 20).toFixed(1)
