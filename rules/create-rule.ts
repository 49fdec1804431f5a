import { ESLintUtils } from '@typescript-eslint/utils';
import { ruleDocsUrl } from './meta.js';

export interface MapRaceDocs {
  description: string;
  recommended?: boolean;
  requiresTypeChecking: boolean;
}

export const createRule = ESLintUtils.RuleCreator<MapRaceDocs>(ruleDocsUrl);
