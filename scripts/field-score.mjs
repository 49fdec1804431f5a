// Scoring of field-run reports against hand-written labels (docs/field-labels/<project>.json;
// the format is described in docs/field-labels/README.md).
//
// A report matches a label when both name the same file (relative to the checkout that was
// linted) and the same 1-based line. Per mode:
//   await: precision = reports on `await: "hazard"` lines / all reports
//          recall    = hazard labels with at least one report / hazard labels
//   any:   precision = reports on `any: true` lines / all reports
//          recall    = `any: true` labels with at least one report / `any: true` labels
// Known bugs (labels with a `bug` field) are counted as found when their line is reported.
// Precision and recall are null when their denominator is 0 (nothing to measure).

const AWAIT_VALUES = new Set(['hazard', 'benign', null]);
const LABEL_KEYS = new Set(['file', 'line', 'container', 'any', 'await', 'why', 'bug']);
const TOP_KEYS = new Set(['project', 'repo', 'commit', 'fieldRunOptions', 'runDir', 'labels', 'note']);

/** Returns a list of problems (empty when the labels file is well-formed). */
export function validateLabels(doc) {
  const errors = [];
  const err = (m) => errors.push(m);
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return ['not a JSON object'];
  for (const k of Object.keys(doc)) if (!TOP_KEYS.has(k)) err(`unknown top-level key "${k}"`);
  if (typeof doc.project !== 'string' || !doc.project) err('"project" must be a non-empty string');
  if (typeof doc.repo !== 'string' || !/^[\w.-]+\/[\w.-]+$/.test(doc.repo)) err('"repo" must be "owner/name"');
  if (typeof doc.commit !== 'string' || !/^[0-9a-f]{40}$/.test(doc.commit)) err('"commit" must be a full 40-hex sha');
  if (!Array.isArray(doc.fieldRunOptions) || doc.fieldRunOptions.some((o) => typeof o !== 'string')) err('"fieldRunOptions" must be an array of strings');
  if (doc.runDir !== undefined && typeof doc.runDir !== 'string') err('"runDir" must be a string (sub-folder of the checkout that is linted)');
  if (!Array.isArray(doc.labels)) return [...errors, '"labels" must be an array'];
  const seen = new Set();
  doc.labels.forEach((l, i) => {
    const at = `labels[${i}]`;
    if (typeof l !== 'object' || l === null) return err(`${at} is not an object`);
    for (const k of Object.keys(l)) if (!LABEL_KEYS.has(k)) err(`${at}: unknown key "${k}"`);
    if (typeof l.file !== 'string' || !l.file || l.file.startsWith('/') || l.file.includes('\\')) err(`${at}: "file" must be a relative path with /`);
    if (!Number.isInteger(l.line) || l.line < 1) err(`${at}: "line" must be a 1-based integer`);
    if (typeof l.container !== 'string' || !l.container) err(`${at}: "container" must be a non-empty string`);
    if (typeof l.any !== 'boolean') err(`${at}: "any" must be true or false`);
    if (!AWAIT_VALUES.has(l.await)) err(`${at}: "await" must be "hazard", "benign" or null`);
    if (typeof l.why !== 'string' || l.why.length < 10) err(`${at}: "why" must say why (at least 10 characters)`);
    if (l.bug !== undefined && (typeof l.bug !== 'string' || !l.bug)) err(`${at}: "bug" must name the fixing commit`);
    if (l.bug !== undefined && l.await !== 'hazard') err(`${at}: a known bug must be labelled "await": "hazard"`);
    if (l.await === 'hazard' && l.any !== true) err(`${at}: a hazard is a write a context reaches, so "any" must be true`);
    const key = `${l.file}:${l.line}`;
    if (seen.has(key)) err(`${at}: duplicate label for ${key}`);
    seen.add(key);
  });
  return errors;
}

// Messages of the rule that are notices about the analysis, not reports of a write: they are
// left out of the scores (field-run still prints them).
export const NOTICE_MESSAGE_IDS = new Set(['blindSpot', 'unusedIgnore', 'missingIgnoreReason', 'analysisFailed']);
export const writeReports = (reports) => reports.filter((r) => !NOTICE_MESSAGE_IDS.has(r.messageId));

const ratio = (a, b) => (b ? a / b : null);
const keyOf = (x) => `${x.file}:${x.line}`;

/**
 * Scores one mode's reports ({file, line, messageId?}[]) against the labels; notices
 * (NOTICE_MESSAGE_IDS) are not counted.
 * mode: 'any' | 'await'. Returns counts, precision, recall, unlabelled reports and missed labels.
 */
export function scoreMode(labels, allReports, mode) {
  const reports = writeReports(allReports);
  const byLine = new Map(labels.map((l) => [keyOf(l), l]));
  const positive = (l) => (mode === 'await' ? l.await === 'hazard' : l.any === true);
  const reportedLines = new Set();
  let onPositive = 0;
  const matched = [];
  const unlabelled = [];
  const wrong = []; // reports on a labelled line that is not a positive for this mode
  for (const r of reports) {
    const l = byLine.get(keyOf(r));
    if (!l) { unlabelled.push(r); continue; }
    matched.push(r);
    reportedLines.add(keyOf(l));
    if (positive(l)) onPositive++;
    else wrong.push({ ...r, label: l.await ?? (l.any ? 'any' : 'not-any') });
  }
  const positives = labels.filter(positive);
  const found = positives.filter((l) => reportedLines.has(keyOf(l)));
  const missed = positives.filter((l) => !reportedLines.has(keyOf(l)));
  const bugs = labels.filter((l) => l.bug);
  const bugsFound = bugs.filter((l) => reportedLines.has(keyOf(l)));
  return {
    reports: reports.length,
    matched: matched.length,
    truePositives: onPositive,
    positives: positives.length,
    positivesReported: found.length,
    precision: ratio(onPositive, reports.length),
    recall: ratio(found.length, positives.length),
    knownBugs: bugs.length,
    knownBugsFound: bugsFound.length,
    bugsMissed: bugs.filter((l) => !reportedLines.has(keyOf(l))).map((l) => ({ file: l.file, line: l.line, bug: l.bug })),
    unlabelled,
    wrong,
    missed: missed.map((l) => ({ file: l.file, line: l.line, container: l.container, why: l.why })),
  };
}

/** Adds per-mode scores up (the totals row): sums, then precision/recall of the sums. */
export function sumScores(scores) {
  const t = { reports: 0, matched: 0, truePositives: 0, positives: 0, positivesReported: 0, knownBugs: 0, knownBugsFound: 0, unlabelled: 0 };
  for (const s of scores) {
    for (const k of Object.keys(t)) t[k] += k === 'unlabelled' ? (Array.isArray(s.unlabelled) ? s.unlabelled.length : s.unlabelled) : s[k];
  }
  return { ...t, precision: ratio(t.truePositives, t.reports), recall: ratio(t.positivesReported, t.positives) };
}

export const pct = (x) => (x === null || x === undefined ? '-' : `${(100 * x).toFixed(0)}%`);

/** Human-readable lines for one mode's score. */
export function formatScore(mode, s) {
  const lines = [
    `labels ${mode}: ${s.reports} reports, ${s.matched} on labelled lines, precision ${pct(s.precision)} (${s.truePositives}/${s.reports}), recall ${pct(s.recall)} (${s.positivesReported}/${s.positives} ${mode === 'await' ? 'hazards' : 'any:true'})${s.knownBugs ? `, known bugs found ${s.knownBugsFound}/${s.knownBugs}` : ''}`,
  ];
  for (const r of s.unlabelled) lines.push(`  unlabelled report ${r.file}:${r.line}`);
  for (const r of s.wrong) lines.push(`  report on a ${r.label} line ${r.file}:${r.line}`);
  for (const m of s.missed) lines.push(`  missed ${m.file}:${m.line} (${m.container})`);
  for (const b of s.bugsMissed) lines.push(`  known bug missed ${b.file}:${b.line} (fix ${b.bug})`);
  return lines;
}
