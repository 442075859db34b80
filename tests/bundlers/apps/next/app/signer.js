'use client'
// The obvious app as a client component: one client, one signed POST, in the browser.
// The test calls window.run, defined once the page is hydrated, with the stack's URL and credentials.
import { useEffect } from 'react'
import { AwsClient } from 'iamfetch'

export default function Signer() {
  useEffect(() => {
    window.run = async ({ url, accessKeyId, secretAccessKey, service, region }) => {
      try {
        const client = new AwsClient({ accessKeyId, secretAccessKey, service, region })
        const response = await client.fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"from":"next-client"}' })
        return { status: response.status, event: await response.json() }
      } catch (error) {
        return { error: `${error.code ?? error.name}: ${error.message}` }
      }
    }
  }, [])
  return <p>signer</p>
}
