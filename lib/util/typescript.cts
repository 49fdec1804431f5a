// TypeScript, loaded with `require`. typescript-eslint has already required it, so this
// is a cache hit; an ES `import` of the 9 MB CommonJS file would make Node scan it for
// named exports first (about half a second per process and per lint thread).
import ts = require('typescript');
export = ts;
