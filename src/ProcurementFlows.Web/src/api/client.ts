// The one typed client for the ProcurementFlows REST API. Routes follow issue 5; when the server
// names a route differently, change it here and nowhere else.
import type {
  AuditVerification,
  CurrentUser,
  DefinitionSummary,
  DefinitionVersion,
  DeploymentResource,
  DeploymentResult,
  Incident,
  InstanceDetail,
  InstanceQuery,
  InstanceSummary,
  Page,
  ProblemDetails,
  SlaReport,
  SupervisionOverview,
  TaskDetail,
  TaskQuery,
  TaskSummary,
  ValidationError,
} from './types';

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

/** Accepts a bare array or a page object, so list screens work with either answer. */
function asPage<T>(value: T[] | Page<T> | undefined): Page<T> {
  if (Array.isArray(value)) return { items: value, total: value.length, page: 1, pageSize: value.length };
  return value ?? { items: [], total: 0, page: 1, pageSize: 0 };
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

export const api = {
  auth: {
    signIn: (userName: string, password: string) =>
      request<CurrentUser>('POST', '/api/auth/signin', { userName, password }),
    signOut: () => request<void>('POST', '/api/auth/signout'),
    me: () => request<CurrentUser>('GET', '/api/auth/me'),
  },

  definitions: {
    list: async () => asPage(await request<DefinitionSummary[] | Page<DefinitionSummary>>('GET', '/api/definitions')).items,
    get: (key: string, version: number) =>
      request<DefinitionVersion>('GET', `/api/definitions/${enc(key)}/versions/${version}`),
    /** Validates without deploying; answers every error at once (empty when valid). */
    validate: async (resources: DeploymentResource[]): Promise<ValidationError[]> => {
      try {
        const result = await request<{ errors?: ValidationError[] } | undefined>(
          'POST',
          '/api/definitions/validate',
          resourcesForm(resources),
        );
        return result?.errors ?? [];
      } catch (e) {
        if (e instanceof ApiError && (e.status === 400 || e.status === 422) && e.validationErrors.length) {
          return e.validationErrors;
        }
        throw e;
      }
    },
    deploy: (resources: DeploymentResource[]) =>
      request<DeploymentResult>('POST', '/api/definitions', resourcesForm(resources)),
  },

  instances: {
    search: async (query: InstanceQuery) =>
      asPage(await request<InstanceSummary[] | Page<InstanceSummary>>('GET', '/api/instances', undefined, { ...query })),
    get: (id: string) => request<InstanceDetail>('GET', `/api/instances/${enc(id)}`),
    verifyAudit: (id: string) => request<AuditVerification>('GET', `/api/instances/${enc(id)}/audit/verify`),
    cancel: (id: string, reason: string) => request<void>('POST', `/api/instances/${enc(id)}/cancel`, { reason }),
    /** The OCDS release package download (a plain link, not fetched by script). */
    ocdsUrl: (id: string) => `/api/instances/${enc(id)}/ocds`,
  },

  tasks: {
    query: async (query: TaskQuery) =>
      asPage(await request<TaskSummary[] | Page<TaskSummary>>('GET', '/api/tasks', undefined, { ...query })),
    get: (id: string) => request<TaskDetail>('GET', `/api/tasks/${enc(id)}`),
    claim: (id: string) => request<void>('POST', `/api/tasks/${enc(id)}/claim`),
    unclaim: (id: string) => request<void>('POST', `/api/tasks/${enc(id)}/unclaim`),
    delegate: (id: string, userName: string) => request<void>('POST', `/api/tasks/${enc(id)}/delegate`, { userName }),
    complete: (id: string, variables: Record<string, unknown>) =>
      request<void>('POST', `/api/tasks/${enc(id)}/complete`, { variables }),
  },

  supervision: {
    overview: () => request<SupervisionOverview>('GET', '/api/supervision/tasks'),
    sla: (definitionKey: string, version?: number) =>
      request<SlaReport>('GET', '/api/supervision/sla', undefined, { key: definitionKey, version }),
    incidents: async () => asPage(await request<Incident[] | Page<Incident>>('GET', '/api/supervision/incidents')).items,
    retryIncident: (id: string) => request<void>('POST', `/api/supervision/incidents/${enc(id)}/retry`),
    reassign: (taskId: string, userName: string) =>
      request<void>('POST', `/api/supervision/tasks/${enc(taskId)}/reassign`, { userName }),
  },
};

export type Api = typeof api;
