import Signer from './signer'

export default function Page() {
  return <Signer />
}
