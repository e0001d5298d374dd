// Prints the closing line CI reads: "N passed, N failed[, N skipped]".
export default async function* summaryReporter(source) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const d = event.data;
    // Count leaf tests only (suites report with a `type` of 'suite' in details).
    if (d.details && d.details.type === 'suite') continue;
    if (d.file === undefined && d.nesting === 0 && d.name && d.name.endsWith('.ts')) continue;
    if (event.type === 'test:pass') {
      if (d.skip || d.todo) skipped++;
      else passed++;
    } else failed++;
  }
  yield `\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`;
}
