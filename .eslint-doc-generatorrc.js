// eslint-doc-generator configuration: keeps the README rules table and the rule
// doc headers in sync with the rule metadata of the built plugin (dist/).
//   npm run docs:update   regenerate README.md / docs/rules/*.md sections
//   npm run docs:check    fail (with a diff) when they are out of date
/** @type {import('eslint-doc-generator').GenerateOptions} */
export default {
  pathRuleDoc: 'docs/rules/{name}.md',
  pathRuleList: 'README.md',
  ruleDocTitleFormat: 'desc-parens-prefix-name',
  configEmoji: [
    ['recommended', '✅'],
    ['strict', '🔒'],
  ],
  ruleListColumns: ['name', 'description', 'configsError', 'configsWarn', 'options', 'requiresTypeChecking'],
  ruleDocNotices: ['configs', 'requiresTypeChecking', 'options'],
  urlConfigs: 'https://github.com/map-race/eslint-plugin-map-race#configs',
};
