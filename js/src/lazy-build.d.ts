// `import 'iamfetch/sigv4a'`, `import 'iamfetch/diagnostics'` and their
// iamfetch/inline forms: side effects only.
export {}
