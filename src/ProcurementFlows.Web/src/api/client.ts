// The one typed client for the ProcurementFlows REST API. Routes follow issue 5; when the server
// names a route differently, change it here and nowhere else.
import type {
  AuditVerification,
  CaseContext,
  CurrentUser,
  DefinitionSummary,
  DefinitionVersion,
  DeploymentResource,
  DeploymentResult,
  FormResource,
  FormSchema,
  Incident,
  InstanceDetail,
  InstanceQuery,
  InstanceSummary,
  Page,
  ProblemDetails,
  SlaReport,
  StartCaseRequest,
  SupervisionOverview,
  TaskDetail,
  TaskQuery,
  TaskSummary,
  UserSummary,
  ValidationError,
} from './types';
import { findingsOf } from './findings';

/** An API call that failed: carries the server's problem details when it sent them. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: ProblemDetails,
  ) {
    super(problem.detail || problem.title || `Request failed with status ${status}`);
    this.name = 'ApiError';
  }

  /** Field errors keyed by field (form key or element id), merged from `errors` in either shape. */
  get fieldErrors(): Record<string, string[]> {
    const errors = this.problem.errors;
    if (!errors) return {};
    if (Array.isArray(errors)) {
      const byField: Record<string, string[]> = {};
      for (const e of errors) (byField[e.elementId ?? ''] ??= []).push(e.message);
      return byField;
    }
    return errors;
  }

  /** Validation errors as a flat list (diagram validation answers with these). */
  get validationErrors(): ValidationError[] {
    const errors = this.problem.errors;
    if (!errors) return [];
    if (Array.isArray(errors)) return errors;
    return Object.entries(errors).flatMap(([elementId, messages]) =>
      messages.map((message) => ({ elementId: elementId || undefined, message })),
    );
  }
}

/** Raised on 401 so the shell can send the user to the sign-in page. */
export const UNAUTHORIZED_EVENT = 'pf:unauthorized';

type Query = Record<string, string | number | boolean | undefined | null>;

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

/** GET of a non-JSON resource (e.g. BPMN XML); errors still come as problem details. */
async function requestText(path: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(path, { headers: { Accept: 'application/xml, text/plain, application/problem+json' }, credentials: 'same-origin' });
  } catch (e) {
    throw new ApiError(0, { title: 'The server cannot be reached', detail: e instanceof Error ? e.message : String(e) });
  }
  const text = await response.text();
  if (!response.ok) {
    if (response.status === 401) window.dispatchEvent(new CustomEvent(UNAUTHORIZED_EVENT));
    let problem: ProblemDetails = { status: response.status, title: response.statusText || `HTTP ${response.status}` };
    try {
      problem = JSON.parse(text) as ProblemDetails;
    } catch {
      // not JSON: keep the status line
    }
    throw new ApiError(response.status, problem);
  }
  return text;
}

async function request<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json' };
  let payload: BodyInit | undefined;
  if (body instanceof FormData) {
    payload = body;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await fetch(withQuery(path, query), { method, headers, body: payload, credentials: 'same-origin' });
  } catch (e) {
    throw new ApiError(0, { title: 'The server cannot be reached', detail: e instanceof Error ? e.message : String(e) });
  }
  if (response.status === 401 && !path.startsWith('/api/auth/')) {
    window.dispatchEvent(new CustomEvent(UNAUTHORIZED_EVENT));
  }
  const text = await response.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  if (!response.ok) {
    const problem: ProblemDetails =
      parsed && typeof parsed === 'object'
        ? (parsed as ProblemDetails)
        : { status: response.status, title: response.statusText || `HTTP ${response.status}` };
    throw new ApiError(response.status, problem);
  }
  return parsed as T;
}

// ---- normalizers: the server exposes the runtime's records (camelCase); these map them, or the
// shapes of ./types.ts, to what the pages use.
type Json = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : v === null || v === undefined ? undefined : String(v));
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** A bare array, `{ items, total, offset, limit }` or `{ items, total, page, pageSize }`. */
function asPage<T>(value: unknown, map: (item: Json) => T): Page<T> {
  if (Array.isArray(value)) return { items: value.map((i) => map(i as Json)), total: value.length, totalExact: true, page: 1, pageSize: value.length };
  const v = (value ?? {}) as Json;
  const items = arr(v.items).map((i) => map(i as Json));
  const pageSize = Number(v.limit ?? v.pageSize ?? items.length) || items.length;
  const page = v.page !== undefined ? Number(v.page) : Math.floor(Number(v.offset ?? 0) / Math.max(1, pageSize)) + 1;
  return { items, total: Number(v.total ?? items.length), totalExact: v.totalExact !== false, page, pageSize };
}

export function toTask(t: Json): TaskSummary {
  return {
    id: String(t.id),
    name: str(t.name) ?? str(t.activityId) ?? 'Task',
    activityId: String(t.activityId ?? ''),
    instanceId: String(t.instanceId ?? ''),
    definitionKey: String(t.definitionKey ?? t.processKey ?? ''),
    businessKey: str(t.businessKey),
    assignee: str(t.assignee) ?? null,
    candidateGroups: arr(t.candidateGroups).map(String),
    createdAt: String(t.createdAt ?? ''),
    dueAt: str(t.dueAt) ?? null,
    escalated: t.escalated === true || Number(t.escalationLevel ?? 0) > 0,
    priority: t.priority === undefined ? undefined : Number(t.priority),
  };
}

function toUser(u: Json): UserSummary {
  return { userName: String(u.id ?? u.userName), displayName: str(u.displayName), groups: arr(u.groups).map(String) };
}

/** Variables worth a glance on the task page, when the case has them (the shipped forms' names). */
const KEY_FACTS: [string, string][] = [
  ['requirementTitle', 'Requirement'],
  ['supplierName', 'Supplier'],
  ['country', 'Country'],
  ['registrationNumber', 'Registration number'],
  ['estimatedValue', 'Estimated value'],
  ['currency', 'Currency'],
  ['cpvCode', 'CPV code'],
  ['neededBy', 'Needed by'],
  ['securityClassification', 'Classification'],
];

function keyFacts(variables: Record<string, unknown>): Record<string, unknown> {
  const facts: Record<string, unknown> = {};
  for (const [name, label] of KEY_FACTS) {
    const v = variables[name];
    if (v !== undefined && v !== null && v !== '' && typeof v !== 'object') facts[label] = v;
  }
  const supplier = variables.supplier as Json | undefined;
  if (!facts.Supplier && supplier && typeof supplier === 'object' && typeof supplier.name === 'string') facts.Supplier = supplier.name;
  return facts;
}

function toInstanceSummary(i: Json): InstanceSummary {
  return {
    id: String(i.id),
    definitionKey: String(i.definitionKey ?? i.processKey ?? ''),
    version: Number(i.version !== undefined && i.processVersion === undefined ? i.version : i.processVersion),
    businessKey: str(i.businessKey),
    status: String(i.status ?? 'active').toLowerCase(),
    startedAt: String(i.startedAt ?? ''),
    startedBy: str(i.startedBy),
    endedAt: str(i.endedAt),
    currentActivities: arr(i.currentActivities).map(String),
    revision: i.processVersion !== undefined && i.version !== undefined ? Number(i.version) : undefined,
  };
}

function toIncident(i: Json): Incident {
  return {
    id: String(i.id),
    instanceId: String(i.instanceId ?? ''),
    definitionKey: str(i.definitionKey ?? i.processKey),
    activityId: String(i.activityId ?? ''),
    message: String(i.message ?? ''),
    createdAt: String(i.createdAt ?? ''),
  };
}

function toInstanceDetail(d: Json): InstanceDetail {
  const summary = toInstanceSummary((d.instance as Json | undefined) ?? d);
  const history = arr(d.history).map((e) => {
    const h = e as Json;
    return {
      sequence: Number(h.sequence ?? 0),
      type: String(h.type ?? ''),
      activityId: str(h.activityId),
      activityName: str(h.activityName),
      at: String(h.at ?? h.occurredAt ?? ''),
      by: str(h.by ?? h.userId),
      details: (h.details ?? h.data) as Record<string, unknown> | undefined,
    };
  });
  const active = d.activeActivities
    ? arr(d.activeActivities).map((a) => ({ activityId: String((a as Json).activityId), name: str((a as Json).name) }))
    : (summary.currentActivities ?? []).map((activityId) => ({ activityId }));
  return {
    ...summary,
    variables: (d.variables ?? {}) as Record<string, unknown>,
    activeActivities: active,
    completedActivities: d.completedActivities ? arr(d.completedActivities).map(String) : undefined,
    timers: arr(d.timers ?? d.pendingTimers).map((t) => {
      const x = t as Json;
      return { id: String(x.id), activityId: String(x.activityId ?? ''), dueAt: String(x.dueAt ?? ''), kind: str(x.kind ?? x.status) };
    }),
    incidents: arr(d.incidents).map((i) => toIncident(i as Json)),
    history,
    ocdsAvailable: d.ocdsAvailable === true,
  };
}

function toForm(f: Json): FormResource {
  const content = f.schema ?? f.content;
  const schema = (typeof content === 'string' ? JSON.parse(content) : content) as FormSchema;
  const name = str(f.resourceName ?? f.name);
  return { id: String(f.formKey ?? f.id ?? name ?? schema.id), name, schema };
}

function toDefinitionVersion(d: Json): DefinitionVersion {
  const def = ((d.definition as Json | undefined) ?? d) as Json;
  return {
    key: String(def.key),
    version: Number(def.version),
    name: str(def.name),
    xml: String(def.xml ?? def.bpmnXml ?? ''),
    forms: arr(d.forms).map((f) => toForm(f as Json)),
    deployedAt: str(def.deployedAt),
    deployedBy: str(def.deployedBy),
  };
}

/** Definitions: grouped `{ key, versions }` or one row per version (grouped here). */
function toDefinitions(value: unknown): DefinitionSummary[] {
  const rows = asPage(value, (x) => x).items;
  const byKey = new Map<string, DefinitionSummary>();
  for (const r of rows) {
    const key = String(r.key);
    const entry = byKey.get(key) ?? byKey.set(key, { key, name: str(r.name), versions: [] }).get(key)!;
    if (Array.isArray(r.versions)) {
      entry.versions.push(...(r.versions as Json[]).map((v) => ({ version: Number(v.version), deployedAt: str(v.deployedAt), deployedBy: str(v.deployedBy) })));
    } else {
      entry.versions.push({ version: Number(r.version), deployedAt: str(r.deployedAt), deployedBy: str(r.deployedBy) });
    }
    entry.name ??= str(r.name);
  }
  return [...byKey.values()];
}

/** Diagnostics: `{ elementId, message }` or the runtime's `{ resourceName, diagnostic: { severity, code, message, elementId } }`. */
function toValidationErrors(list: unknown): ValidationError[] {
  return arr(list)
    .map((x) => {
      const e = x as Json;
      const d = (e.diagnostic as Json | undefined) ?? e;
      return {
        elementId: str(d.elementId),
        message: [str(d.code), str(d.message)].filter(Boolean).join(': '),
        resource: str(e.resourceName ?? e.resource),
        severity: String(d.severity ?? 'error').toLowerCase(),
      };
    })
    .filter((e) => e.severity === 'error')
    .map(({ severity: _severity, ...e }) => e);
}

function toDeployment(r: Json): DeploymentResult {
  return { definitions: arr(r.definitions).map((d) => ({ key: String((d as Json).key), version: Number((d as Json).version) })) };
}

/** Workload rows per group and officer become the dashboard's two tallies. */
function toOverview(value: unknown, tasks: TaskSummary[]): SupervisionOverview {
  const v = value as Json;
  if (v && !Array.isArray(v) && Array.isArray(v.byGroup)) return v as unknown as SupervisionOverview;
  const byGroup = new Map<string, { name: string; overdue: number; escalated: number }>();
  const byOfficer = new Map<string, { name: string; overdue: number; escalated: number }>();
  for (const r of arr(value) as Json[]) {
    const add = (map: typeof byGroup, name: string) => {
      const e = map.get(name) ?? map.set(name, { name, overdue: 0, escalated: 0 }).get(name)!;
      e.overdue += Number(r.overdue ?? 0);
      e.escalated += Number(r.escalated ?? 0);
    };
    add(byGroup, str(r.group) ?? '(no group)');
    add(byOfficer, str(r.assignee) ?? 'Unassigned');
  }
  const keep = (m: typeof byGroup) => [...m.values()].filter((e) => e.overdue + e.escalated > 0).sort((a, b) => b.overdue + b.escalated - (a.overdue + a.escalated));
  return { byGroup: keep(byGroup), byOfficer: keep(byOfficer), tasks };
}

function toSla(value: unknown, key: string): SlaReport {
  const v = value as Json;
  if (v && !Array.isArray(v) && Array.isArray(v.stages)) return v as unknown as SlaReport;
  return {
    definitionKey: key,
    stages: (arr(value) as Json[]).map((s) => ({
      activityId: String(s.activityId),
      name: str(s.name),
      completed: Number(s.completed ?? 0) + Number(s.open ?? 0),
      breached: Number(s.breached ?? Number(s.completedLate ?? 0) + Number(s.openBreached ?? 0)),
      averageSeconds: s.averageSeconds !== undefined ? Number(s.averageSeconds) : Number(s.averageHoursOpen ?? 0) * 3600,
    })),
  };
}

function resourcesForm(resources: DeploymentResource[]): FormData {
  const form = new FormData();
  for (const r of resources) {
    const type = r.name.endsWith('.form') ? 'application/json' : 'application/xml';
    form.append('files', new Blob([r.content], { type }), r.name);
  }
  return form;
}

const enc = encodeURIComponent;

function taskParams(q: TaskQuery): Query {
  return {
    scope: q.filter,
    q: q.q?.trim() || undefined,
    dueBefore: q.dueBefore,
    overdue: q.overdue,
    escalated: q.escalated,
    sort: q.sort,
    descending: q.order === 'desc' ? true : undefined,
    offset: ((q.page ?? 1) - 1) * (q.pageSize ?? 50),
    limit: q.pageSize,
  };
}

function instanceParams(q: InstanceQuery): Query {
  return {
    processKey: q.key,
    version: q.version,
    status: q.status === 'incident' ? undefined : q.status,
    withIncidents: q.status === 'incident' ? true : undefined,
    businessKey: q.businessKey,
    activityId: q.activity,
    startedBy: q.startedBy,
    startedAfter: q.startedAfter,
    startedBefore: q.startedBefore,
    offset: ((q.page ?? 1) - 1) * (q.pageSize ?? 50),
    limit: q.pageSize,
  };
}

export const api = {
  auth: {
    /** Signs in with a local account; the server sets the workbench's session cookie. */
    signIn: (userName: string, password: string) => request<CurrentUser>('POST', '/api/auth/signin', { userName, password }),
    signOut: () => request<void>('POST', '/api/auth/signout'),
    me: () => request<CurrentUser>('GET', '/api/auth/me'),
  },

  definitions: {
    list: async () => toDefinitions(await request<unknown>('GET', '/api/definitions', undefined, { latestOnly: false })),
    /** A version with its BPMN XML and the forms its user tasks reference. */
    get: async (key: string, version: number): Promise<DefinitionVersion> => {
      const base = `/api/definitions/${enc(key)}/versions/${version}`;
      const [detail, xml, forms] = await Promise.all([request<Json>('GET', base), requestText(`${base}/xml`), request<unknown>('GET', `${base}/forms`)]);
      const forms_ = arr(forms).filter((f) => (f as Json).schema || (f as Json).content);
      return toDefinitionVersion({ ...detail, definition: { ...((detail.definition as Json | undefined) ?? detail), xml }, forms: forms_ });
    },
    /** Just the BPMN XML of a version. */
    xml: (key: string, version: number) => requestText(`/api/definitions/${enc(key)}/versions/${version}/xml`),
    /** Validates without deploying; answers every error at once (empty when valid). */
    validate: async (resources: DeploymentResource[]): Promise<ValidationError[]> => {
      try {
        const result = await request<Json | undefined>('POST', '/api/definitions/validate', resourcesForm(resources));
        return toValidationErrors(result?.errors ?? result?.diagnostics);
      } catch (e) {
        if (e instanceof ApiError && (e.status === 400 || e.status === 422)) {
          const diagnostics = toValidationErrors(e.problem.diagnostics);
          if (diagnostics.length) return diagnostics;
          if (e.validationErrors.length) return e.validationErrors;
        }
        throw e;
      }
    },
    deploy: async (resources: DeploymentResource[]) => {
      try {
        return toDeployment(await request<Json>('POST', '/api/definitions', resourcesForm(resources)));
      } catch (e) {
        if (e instanceof ApiError && Array.isArray(e.problem.diagnostics)) {
          throw new ApiError(e.status, { ...e.problem, errors: toValidationErrors(e.problem.diagnostics) });
        }
        throw e;
      }
    },
  },

  instances: {
    search: async (query: InstanceQuery) => asPage(await request<unknown>('GET', '/api/instances', undefined, instanceParams(query)), toInstanceSummary),
    get: async (id: string) => toInstanceDetail(await request<Json>('GET', `/api/instances/${enc(id)}`)),
    verifyAudit: async (id: string): Promise<AuditVerification> => {
      const r = await request<Json>('GET', `/api/instances/${enc(id)}/audit/verify`);
      return {
        valid: (r.valid ?? r.isValid) === true,
        entries: Number(r.entries ?? r.entriesChecked ?? 0),
        firstInvalidSequence: r.firstInvalidSequence ?? r.firstBrokenSequence ? Number(r.firstInvalidSequence ?? r.firstBrokenSequence) : undefined,
        message: str(r.message ?? r.problem),
      };
    },
    /** Starts a case; answers the new instance's id. */
    start: async (body: StartCaseRequest): Promise<string> => {
      const r = await request<Json>('POST', '/api/instances', body);
      return String(r.instanceId ?? r.id ?? (r.instance as Json | undefined)?.id);
    },
    /** Sets one variable of an active case (supervisors); a stale expectedVersion gets 409. */
    setVariable: (id: string, name: string, value: unknown, expectedVersion?: number) =>
      request<void>('PUT', `/api/instances/${enc(id)}/variables/${enc(name)}`, { value, expectedVersion: expectedVersion ?? null }),
    cancel: (id: string, reason: string) => request<void>('POST', `/api/instances/${enc(id)}/cancel`, { reason }),
    /** The OCDS release package download (a plain link, not fetched by script). */
    ocdsUrl: (id: string) => `/api/instances/${enc(id)}/ocds`,
  },

  tasks: {
    query: async (query: TaskQuery) => asPage(await request<unknown>('GET', '/api/tasks', undefined, taskParams(query)), toTask),
    get: async (id: string): Promise<TaskDetail> => {
      const r = await request<Json>('GET', `/api/tasks/${enc(id)}`);
      const task = (r.task as Json | undefined) ?? r;
      const form = r.form as Json | null | undefined;
      const caseData = (r.case ?? r.context) as Json | undefined;
      const instance = caseData?.instance ? toInstanceSummary(caseData.instance as Json) : undefined;
      const variables = ((r.variables ?? caseData?.variables) ?? {}) as Record<string, unknown>;
      const facts: Record<string, unknown> = { ...((caseData?.facts as Record<string, unknown> | undefined) ?? {}), ...keyFacts(variables) };
      if (instance) {
        facts['Case started'] = instance.startedAt;
        facts['Started by'] = instance.startedBy;
      }
      const history = arr(caseData?.history).map((e) => {
        const h = e as Json;
        return { sequence: Number(h.sequence ?? 0), type: String(h.type ?? ''), activityId: str(h.activityId), activityName: str(h.activityName), at: String(h.at ?? h.occurredAt ?? ''), by: str(h.by ?? h.userId), details: (h.details ?? h.data) as Record<string, unknown> | undefined };
      });
      const schema = form ? (form.schema ?? (form.content ? toForm(form).schema : form.components ? form : undefined)) : undefined;
      return {
        ...toTask(task),
        definitionVersion: instance?.version,
        formKey: str(task.formKey),
        form: (schema as FormSchema | undefined) ?? null,
        variables,
        context: { facts, findings: (caseData?.findings as CaseContext['findings'] | undefined) ?? findingsOf(variables), history },
      };
    },
    claim: (id: string) => request<void>('POST', `/api/tasks/${enc(id)}/claim`),
    unclaim: (id: string) => request<void>('POST', `/api/tasks/${enc(id)}/unclaim`),
    delegate: (id: string, userName: string) => request<void>('POST', `/api/tasks/${enc(id)}/delegate`, { userName }),
    complete: (id: string, variables: Record<string, unknown>) => request<void>('POST', `/api/tasks/${enc(id)}/complete`, { variables }),
  },

  users: {
    /** The user directory, narrowed to members of `group` and to names matching `q`. */
    search: async (query: { group?: string; role?: string; q?: string; limit?: number }): Promise<UserSummary[]> =>
      asPage(await request<unknown>('GET', '/api/users', undefined, { group: query.group, role: query.role, q: query.q?.trim() || undefined, limit: query.limit ?? 100 }), toUser).items,
  },

  supervision: {
    overview: async () => {
      const [workload, overdue, escalated] = await Promise.all([
        request<unknown>('GET', '/api/supervision/workload'),
        request<unknown>('GET', '/api/supervision/tasks', undefined, { overdue: true, limit: 100 }),
        request<unknown>('GET', '/api/supervision/tasks', undefined, { escalated: true, limit: 100 }),
      ]);
      const all = new Map([...asPage(escalated, toTask).items, ...asPage(overdue, toTask).items].map((t) => [t.id, t]));
      return toOverview(workload, [...all.values()]);
    },
    sla: async (definitionKey: string, version?: number) => toSla(await request<unknown>('GET', '/api/supervision/sla', undefined, { processKey: definitionKey, version }), definitionKey),
    incidents: async () => asPage(await request<unknown>('GET', '/api/supervision/incidents'), toIncident).items,
    retryIncident: (id: string) => request<void>('POST', `/api/supervision/incidents/${enc(id)}/retry`),
    reassign: (taskId: string, userName: string) => request<void>('POST', `/api/supervision/tasks/${enc(taskId)}/reassign`, { userName }),
  },
};

export type Api = typeof api;
