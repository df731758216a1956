import { z } from 'zod';

/** Prompt arguments are plain strings on the wire (MCP); these hold them to GitHub's name rules. */
export const PromptOwnerSchema = z.string().regex(/^[A-Za-z0-9-]{1,39}$/, 'a GitHub user or organisation name');
export const PromptRepoSchema = z.string().regex(/^[\w.-]{1,100}$/, 'a GitHub repository name');
export const PromptNumberSchema = z.string().regex(/^[1-9]\d{0,9}$/, 'an issue or pull request number');
