// Reads the results a conformance run saved (-o DIR) next to its baseline file and
//  1. prints, for every scenario that failed outside the baseline, each failing
//     check with its details (the requests and responses the suite recorded);
//  2. holds the scenarios under the baseline's optional `checks:` map to exactly
//     those failing checks: the suite judges a scenario as a whole, so a scenario
//     that is in the baseline for one untestable check would otherwise hide
//     regressions in its other checks;
//  3. fails on any failing `wire-schema-valid` check (a message of ours that does
//     not match the spec's JSON schema), baseline or not.
// The suite's own exit code (unexpected failures, stale entries) stays the main
// verdict; run.sh requires both.
//
//   node conformance-report.mjs BASELINE.yml RESULTS_DIR
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const [baselinePath, resultsDir] = process.argv.slice(2);
const baseline = parse(readFileSync(baselinePath, 'utf8')) ?? {};
const expectedScenarios = new Set(baseline.server ?? []);
const expectedChecks = baseline.checks ?? {};
const bad = (check) => check.status === 'FAILURE' || check.status === 'WARNING';
const show = (value) => {
  const text = JSON.stringify(value, null, 1) ?? '';
  return text.length < 4000 ? text : `${text.slice(0, 4000)} …`;
};

const problems = [];
const seen = new Set();
for (const entry of readdirSync(resultsDir).sort()) {
  const match = /^server-(.+)-\d{4}-\d{2}-\d{2}T[\d-]+Z$/.exec(entry);
  if (!match) continue;
  const scenario = match[1];
  seen.add(scenario);
  const checks = JSON.parse(readFileSync(join(resultsDir, entry, 'checks.json'), 'utf8'));
  const failing = checks.filter(bad);
  const failingIds = new Set(failing.map((check) => check.id));

  const reasons = [];
  if (failing.length > 0 && !expectedScenarios.has(scenario)) reasons.push('failed, and it is not in the baseline');
  const schema = failing.filter((check) => check.id === 'wire-schema-valid');
  if (schema.length > 0) reasons.push('a message of ours does not match the spec schema (wire-schema-valid)');
  if (scenario in expectedChecks) {
    const allowed = new Set(expectedChecks[scenario]);
    const unexpected = [...failingIds].filter((id) => !allowed.has(id));
    const stale = [...allowed].filter((id) => !failingIds.has(id));
    if (unexpected.length > 0) reasons.push(`checks failing that the baseline does not list: ${unexpected.join(', ')}`);
    if (stale.length > 0) reasons.push(`baseline checks that no longer fail (remove them): ${stale.join(', ')}`);
  }
  if (reasons.length === 0) continue;
  problems.push(scenario);
  console.log(`\n✗ ${scenario}: ${reasons.join('; ')}`);
  for (const check of failing) {
    if (expectedChecks[scenario]?.includes(check.id) && check.id !== 'wire-schema-valid') continue;
    console.log(`  - ${check.status} ${check.id}: ${check.errorMessage ?? check.description}`);
    if (check.details !== undefined) console.log(`    details: ${show(check.details).replaceAll('\n', '\n    ')}`);
  }
  const exchange = checks.filter((check) => check.status === 'INFO');
  if (exchange.length > 0) {
    console.log('  what the suite sent and got (its INFO records):');
    for (const record of exchange.slice(-12)) {
      console.log(`    ${record.description}: ${show(record.details).replaceAll('\n', '\n    ')}`);
    }
  }
}
for (const scenario of Object.keys(expectedChecks)) {
  if (!expectedScenarios.has(scenario)) {
    problems.push(scenario);
    console.log(`✗ ${scenario}: listed under checks: but not under server: in ${baselinePath}`);
  } else if (!seen.has(scenario)) {
    problems.push(scenario);
    console.log(`✗ ${scenario}: listed under checks: but the suite did not run it`);
  }
}
if (seen.size === 0) {
  console.log(`✗ no results under ${resultsDir}`);
  process.exit(1);
}
console.log(problems.length === 0
  ? `check-level baseline: ok (${seen.size} scenario results read)`
  : `check-level baseline: ${problems.length} scenario(s) need attention: ${problems.join(', ')}`);
process.exit(problems.length === 0 ? 0 : 1);
