// One timed mode of the runtime entries (bench/src/node.mjs, browser.mjs,
// worker.mjs) run with this run's budget in Node, each wanted browser and
// workerd, in turn.
import { log } from '../log.mjs'
import { node } from '../processes.mjs'
import { inBrowsers } from './browsers.mjs'
import { withBenchWorker } from './workerd.mjs'

/**
 * `mode` names it for node.mjs and worker.mjs (`/<mode>?budget=`), `page` for
 * the page's window.bench; store(runtime, result) keeps each runtime's result.
 */
export async function inEveryRuntime(ctx, what, { mode, page }, store) {
  const { results, budgetMs, wantRt } = ctx
  if (wantRt('node')) {
    log(`${what}: Node`)
    store('node', await node(['src/node.mjs', mode], { env: { BENCH_BUDGET_MS: budgetMs } }))
  }
  await inBrowsers(ctx, what, page, [budgetMs], store)
  if (wantRt('workerd')) {
    log(`${what}: workerd`)
    await withBenchWorker(async (get) => {
      results.clocks.workerd ??= await get('/clock')
      store('workerd', await get(`/${mode}?budget=${budgetMs}`))
    })
  }
}
