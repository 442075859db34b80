// What Linux's /proc says of a process: its memory (the Blob rows' peak extra
// memory) and its CPU time (the edge proxy's workerd CPU per request).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'

/** A `/proc/<pid>/status` field given in kB (VmRSS, VmHWM), in bytes; NaN if unreadable. */
export const procField = (pid, field) => {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${field}:`))
    return Number(/(\d+)/.exec(line)[1]) * 1024
  } catch { return NaN }
}

/** Resets the peak RSS (VmHWM) to the current RSS. */
export const resetPeak = (pid) => { try { writeFileSync(`/proc/${pid}/clear_refs`, '5') } catch {} }

/** CPU time of all of a process's threads, in ms, from schedstat (ns resolution). */
export function cpuMs(pid) {
  let ns = 0
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try { ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]) } catch {}
  }
  return ns / 1e6
}
