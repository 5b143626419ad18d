/**
 * The command lists of a shell script, as trivy-checks' `sh.parse_commands` gets them from mvdan.cc/sh: each
 * simple command's words in order, each word as written (quotes kept), without variable assignments in front,
 * redirections, or the reserved words of compound commands. Commands are split at `;`, `&&`, `||`, `|`, `&`,
 * newlines and parentheses. Test support for the real-world suites, not a full shell grammar.
 */

const RESERVED = new Set(["if", "then", "else", "elif", "fi", "do", "done", "while", "until", "for", "in", "case", "esac", "!", "{", "}"]);

export function parseShellCommands(script: string): string[][] {
  const commands: string[][] = [];
  let words: string[] = [];
  let word = "";
  let inWord = false;
  const endWord = () => {
    if (inWord) words.push(word);
    word = "";
    inWord = false;
  };
  const endCommand = () => {
    endWord();
    const cmd = cleanCommand(words);
    if (cmd.length > 0) commands.push(cmd);
    words = [];
  };
  const src = script.replace(/\\\r?\n/g, "");
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === "'" || c === '"' || c === "`") {
      const close = findClose(src, i, c);
      word += src.slice(i, close + 1);
      inWord = true;
      i = close;
    } else if (c === "\\" && i + 1 < src.length) {
      word += src.slice(i, i + 2);
      inWord = true;
      i++;
    } else if (c === "$" && (src[i + 1] === "(" || src[i + 1] === "{")) {
      const close = findBalanced(src, i + 1);
      word += src.slice(i, close + 1);
      inWord = true;
      i = close;
    } else if (c === "#" && !inWord) {
      while (i < src.length && src[i] !== "\n") i++;
      i--;
    } else if (c === " " || c === "\t") {
      endWord();
    } else if (c === ";" || c === "&" || c === "|" || c === "\n" || c === "(" || c === ")") {
      if ((c === "&" || c === "|") && /[<>]$/.test(word)) {
        word += c; // `2>&1`, `>|`: part of a redirection
        continue;
      }
      endCommand();
    } else {
      word += c;
      inWord = true;
    }
  }
  endCommand();
  return commands;
}

function cleanCommand(words: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (out.length === 0 && (RESERVED.has(w) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(w))) continue;
    if (/^\d*(>>?|<<?|>&|<&|&>|>\|)$/.test(w)) {
      i++; // the redirection's target is the next word
      continue;
    }
    if (/^\d*(>>?|<<?|>&|<&|&>|>\|)/.test(w)) continue;
    out.push(w);
  }
  return out;
}

function findClose(src: string, start: number, quote: string): number {
  for (let i = start + 1; i < src.length; i++) {
    if (quote !== "'" && src[i] === "\\") i++;
    else if (src[i] === quote) return i;
  }
  return src.length - 1;
}

function findBalanced(src: string, open: number): number {
  const pairs: Record<string, string> = { "(": ")", "{": "}" };
  let depth = 0;
  for (let i = open; i < src.length; i++) {
    if (src[i] === "'" || src[i] === '"') i = findClose(src, i, src[i]);
    else if (src[i] === src[open]) depth++;
    else if (src[i] === pairs[src[open]] && --depth === 0) return i;
  }
  return src.length - 1;
}
