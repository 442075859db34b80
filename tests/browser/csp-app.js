// A page under a strict Content-Security-Policy (csp-*.html): no inline
// script, so no import map; the package is imported by its path.
import { AwsV4Signer } from '/js/dist/index.browser.js'

const signer = new AwsV4Signer({ url: 'https://abc.lambda-url.eu-west-1.on.aws/', accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', datetime: '20261121T101010Z' })
window.signed = signer.authHeader().then((header) => ({ header }), (error) => ({ code: error.code, message: error.message }))
document.title = 'ready'
