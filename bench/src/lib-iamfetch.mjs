export { AwsV4Signer } from 'iamfetch'
