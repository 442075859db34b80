/** Progress on stderr, so that stdout stays the report. */
export const log = (...a) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${a.join(' ')}\n`)

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
