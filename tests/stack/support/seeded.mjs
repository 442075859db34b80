// Seeded randomness for the soaks: the same seed gives the same requests,
// faults and bodies, so that a failing run can be run again as it was.
import { createCipheriv, createHash } from 'node:crypto'

export function pickWeighted(table, random) {
  const entries = Object.entries(table)
  let roll = random() * entries.reduce((sum, [, v]) => sum + v.weight, 0)
  for (const [name, value] of entries) {
    roll -= value.weight
    if (roll < 0) return { name, ...value }
  }
  return { name: entries.at(-1)[0], ...entries.at(-1)[1] }
}

/**
 * Seeded bytes, n at a time: the AES-128-CTR keystream under a key derived
 * from the seed. The same seed gives the same requests, faults and bodies.
 */
export function seededBytes(seed) {
  const key = createHash('sha256').update(String(seed)).digest().subarray(0, 16)
  const cipher = createCipheriv('aes-128-ctr', key, Buffer.alloc(16))
  return (n) => cipher.update(Buffer.alloc(n))
}

/** Seeded numbers in [0, 1). */
export function seededRandom(seed) {
  const next = seededBytes(seed)
  let pool = Buffer.alloc(0)
  let at = 0
  return () => {
    if (at + 4 > pool.length) {
      pool = next(4096)
      at = 0
    }
    at += 4
    return pool.readUInt32LE(at - 4) / 2 ** 32
  }
}
