/** The runtimes a run can measure (--runtimes), in the report's column order, with their display names. */
export const RUNTIME_NAMES = { node: 'Node', chromium: 'Chromium', firefox: 'Firefox', webkit: 'WebKit', workerd: 'workerd' }
export const RUNTIMES = Object.keys(RUNTIME_NAMES)
