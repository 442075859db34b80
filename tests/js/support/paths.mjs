// Where the tests find the built package and the repo.
import { fileURLToPath } from 'node:url'

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))
export const distEntry = new URL('../../../js/dist/index.node.js', import.meta.url).href
