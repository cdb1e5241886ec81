// Placeholder until the MVCC core lands: proves the asc pipeline.
export function version(): i32 {
  return 1;
}
