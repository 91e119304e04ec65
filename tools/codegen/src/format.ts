/** Formats generated TypeScript with ts-morph, in memory, so output is byte-stable. */
import { IndentationText, NewLineKind, Project, QuoteKind } from 'ts-morph';

const project = new Project({
  useInMemoryFileSystem: true,
  manipulationSettings: {
    indentationText: IndentationText.TwoSpaces,
    newLineKind: NewLineKind.LineFeed,
    quoteKind: QuoteKind.Single,
  },
});

let serial = 0;

export function formatTs(text: string, headerLine: string): string {
  // A fresh name per call: reusing one path lets ts-morph apply edits computed for the old text.
  const file = project.createSourceFile(`/gen-${serial++}.ts`, text);
  file.formatText({ indentSize: 2, convertTabsToSpaces: true, semicolons: 'insert' as never });
  // The header goes in last: ts-morph puts inserted imports at the very top.
  file.insertText(0, `${headerLine}\n`);
  const out = file.getFullText();
  project.removeSourceFile(file);
  return out.endsWith('\n') ? out : `${out}\n`;
}
