// SPDX-License-Identifier: Apache-2.0
import js from "@eslint/js";
import { defineConfig, globalIgnores } from "eslint/config";
import tseslint from "typescript-eslint";

// Node globals for the untyped plain-JS files (config files, scripts/*.mjs).
const nodeGlobals = {
  process: "readonly",
  console: "readonly",
  URL: "readonly",
  setTimeout: "readonly",
  clearTimeout: "readonly",
};

export default defineConfig(
  globalIgnores([
    "**/dist/",
    "bench/build/",
    "**/node_modules/",
    "**/coverage/",
    "playground/build/",
    // AssemblyScript (its own types and decorators), built by asc.
    "src/backend/wasm/assembly/",
  ]),
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/no-unused-vars": [
        "error",
        {
          argsIgnorePattern: "^_",
          varsIgnorePattern: "^_",
          caughtErrorsIgnorePattern: "^_",
        },
      ],
    },
  },
  {
    // Plain JS (eslint.config.js, scripts/*.mjs): lint without type info.
    files: ["**/*.js", "**/*.mjs", "**/*.cjs"],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: nodeGlobals },
  },
  {
    // node:test's test()/describe() return promises that are not awaited.
    files: ["test/**"],
    rules: {
      "@typescript-eslint/no-floating-promises": "off",
    },
  },
);
