import { ESLintUtils } from '@typescript-eslint/utils';

export interface MapRaceDocs {
  description: string;
  recommended?: boolean;
  requiresTypeChecking: boolean;
}

export const REPOSITORY_URL = 'https://github.com/map-race/eslint-plugin-map-race';

export const createRule = ESLintUtils.RuleCreator<MapRaceDocs>(
  (name) => `${REPOSITORY_URL}/blob/main/docs/rules/${name}.md`,
);
