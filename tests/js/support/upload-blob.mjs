// Child process: uploads a file-backed Blob with AwsClient and reports the
// peak growth of its own resident memory while hashing and sending.
import { openAsBlob } from 'node:fs'

const [entry, file, url, optionsJson] = process.argv.slice(2)
const { AwsClient, init } = await import(entry)
await init()
const client = new AwsClient({ ...JSON.parse(optionsJson), contentHashHeader: 'include' })
await (await client.fetch(url, { method: 'PUT', body: 'warm-up' })).text()

globalThis.gc?.()
const baseline = process.memoryUsage().rss
let peak = baseline
const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss) }, 5)
let progressCalls = 0
const blob = await openAsBlob(file)
const response = await client.fetch(url, { method: 'PUT', body: blob, aws: { onHashProgress: () => progressCalls++ } })
const answer = await response.json()
clearInterval(sampler)
peak = Math.max(peak, process.memoryUsage().rss)
console.log(JSON.stringify({ status: response.status, answer, size: blob.size, growthBytes: peak - baseline, progressCalls }))
