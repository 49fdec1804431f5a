// Placeholder for @typescript-eslint/rule-tester: each test case lints its own code as
// `file.ts` in this directory, type-checked in the project service's default project
// (allowDefaultProject), whose compiler options come from the tsconfig.json next to it.
export {};
