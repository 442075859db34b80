// `import 'iamfetch/sigv4a'` and `import 'iamfetch/diagnostics'`: side effects only.
export {}
