/** What one finished kubectl run left: its exit code (1 when it was killed or failed to start) and its output. */
export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}
