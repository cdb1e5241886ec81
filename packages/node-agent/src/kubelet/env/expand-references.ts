/**
 * $(VAR) references in env values, command and args, with Kubernetes' rules:
 *
 *   "$(A)-x"  with A=1      -> "1-x"
 *   "$(B)"    B undefined   -> "$(B)"      (left as written)
 *   "$$(A)"                 -> "$(A)"      ($$ is an escaped $)
 *   "$(A"                   -> "$(A"       (no closing parenthesis: literal)
 *   "$x"                    -> "$x"        (a $ before anything else is literal)
 */
export function expandReferences(input: string, lookup: (name: string) => string | undefined): string {
  if (!input.includes('$')) return input;
  let out = '';
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    if (ch !== '$' || i + 1 >= input.length) {
      out += ch;
      i++;
      continue;
    }
    const next = input[i + 1]!;
    if (next === '$') {
      out += '$';
      i += 2;
    } else if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close < 0) {
        out += input.slice(i);
        break;
      }
      const name = input.slice(i + 2, close);
      const value = name ? lookup(name) : undefined;
      out += value ?? input.slice(i, close + 1);
      i = close + 1;
    } else {
      out += ch + next;
      i += 2;
    }
  }
  return out;
}
