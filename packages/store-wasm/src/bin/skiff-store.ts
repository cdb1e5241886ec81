#!/usr/bin/env node
// The etcd v3 gRPC server lands here.
console.error('skiff-store: not built yet');
process.exit(1);
