// Vetting findings: the registry checks' results that the vetting service tasks write into process
// variables (companyLookup, sanctionsScreening, leiCheck, exclusionsCheck, tenderLookup; see
// src/ProcurementFlows.Registries/README.md). Any other variable of the same shape is shown too, so a
// diagram that maps `${findings}` to a name of its own still gets its table.
import type { VettingFinding } from './types';

const KNOWN = ['companyLookup', 'sanctionsScreening', 'leiCheck', 'exclusionsCheck', 'tenderLookup'];
const STATUSES = new Set(['clear', 'hit', 'needs-review', 'not-found']);

type Json = Record<string, unknown>;

function isFinding(value: unknown): value is Json {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const v = value as Json;
  return typeof v.status === 'string' && STATUSES.has(v.status) && (typeof v.check === 'string' || typeof v.source === 'object' || typeof v.summary === 'string');
}

function toFinding(variable: string, v: Json): VettingFinding {
  const source = v.source as Json | string | undefined;
  return {
    variable,
    check: typeof v.check === 'string' ? v.check : undefined,
    status: String(v.status),
    requiresReview: typeof v.requiresReview === 'boolean' ? v.requiresReview : undefined,
    summary: typeof v.summary === 'string' ? v.summary : undefined,
    reasons: Array.isArray(v.reasons) ? v.reasons.map(String) : [],
    source: typeof source === 'string' ? source : source ? String(source.name ?? source.registry ?? '') || undefined : undefined,
    retrievedAt: typeof v.retrievedAt === 'string' ? v.retrievedAt : undefined,
  };
}

/** The findings among a case's variables: the documented ones first, in check order, then any other finding-shaped variable. */
export function findingsOf(variables: Record<string, unknown>): VettingFinding[] {
  const result: VettingFinding[] = [];
  for (const name of KNOWN) if (isFinding(variables[name])) result.push(toFinding(name, variables[name] as Json));
  for (const [name, value] of Object.entries(variables)) {
    // `findings` is the handlers' scratch copy of the last check, already listed under its own name.
    if (KNOWN.includes(name) || name === 'findings') continue;
    if (isFinding(value)) result.push(toFinding(name, value));
  }
  return result;
}

/** A readable name for a check: `registry.sanctions-screening` → "Sanctions screening". */
export function checkTitle(f: VettingFinding): string {
  const raw = f.check?.replace(/^registry\./, '') ?? f.variable.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();
  const words = raw.replace(/-/g, ' ').replace(/\blei\b/i, 'LEI');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
