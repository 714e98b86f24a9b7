// The shapes the workbench reads from and writes to the ProcurementFlows REST API (issue 5).
// Every call lives in ./client.ts; pages never call fetch themselves.

/** The signed-in user, as the server reports it. */
export interface CurrentUser {
  userName: string;
  displayName?: string;
  roles: string[];
  groups: string[];
}

/** A page of a list endpoint; list endpoints page with stable ordering. */
export interface Page<T> {
  items: T[];
  /** Exact total, or a lower bound when `totalExact` is false (the inbox stops counting 1,000 tasks past the page). */
  total: number;
  totalExact: boolean;
  page: number;
  pageSize: number;
}

export interface DefinitionVersionSummary {
  version: number;
  deployedAt?: string;
  deployedBy?: string;
}

export interface DefinitionSummary {
  key: string;
  name?: string;
  versions: DefinitionVersionSummary[];
}

export interface FormResource {
  /** The form's id as referenced by `camunda:formKey` / `camunda:formRef`. */
  id: string;
  /** The resource file name, e.g. `approve-requirement.form`. */
  name?: string;
  /** The form-js schema. */
  schema: FormSchema;
}

export interface FormSchema {
  id?: string;
  type?: string;
  components: FormComponent[];
  [extra: string]: unknown;
}

export interface FormComponent {
  id?: string;
  key?: string;
  type: string;
  label?: string;
  components?: FormComponent[];
  validate?: { required?: boolean; pattern?: string; minLength?: number; maxLength?: number; min?: number; max?: number };
  [extra: string]: unknown;
}

export interface DefinitionVersion {
  key: string;
  version: number;
  name?: string;
  xml: string;
  forms: FormResource[];
  deployedAt?: string;
  deployedBy?: string;
}

/** One resource to validate or deploy: a `.bpmn` or `.form` file. */
export interface DeploymentResource {
  name: string;
  content: string;
}

/** A validation error the server found in a diagram, tied to an element where it can be. */
export interface ValidationError {
  elementId?: string;
  message: string;
  resource?: string;
}

export interface DeploymentResult {
  definitions: { key: string; version: number }[];
}

export type InstanceStatus = 'active' | 'completed' | 'cancelled' | 'incident' | string;

export interface InstanceSummary {
  id: string;
  definitionKey: string;
  version: number;
  businessKey?: string;
  status: InstanceStatus;
  startedAt: string;
  startedBy?: string;
  endedAt?: string;
  currentActivities?: string[];
  /** The instance's own version (optimistic concurrency: sent back as expectedVersion / If-Match). */
  revision?: number;
}

export interface InstanceQuery {
  key?: string;
  version?: number;
  status?: string;
  businessKey?: string;
  activity?: string;
  startedBy?: string;
  startedAfter?: string;
  startedBefore?: string;
  page?: number;
  pageSize?: number;
}

export interface ActiveActivity {
  activityId: string;
  name?: string;
  since?: string;
}

export interface PendingTimer {
  id: string;
  activityId: string;
  dueAt: string;
  kind?: string;
}

export interface Incident {
  id: string;
  instanceId: string;
  definitionKey?: string;
  activityId: string;
  message: string;
  createdAt: string;
  retries?: number;
}

export interface HistoryEntry {
  sequence: number;
  type: string;
  activityId?: string;
  activityName?: string;
  at: string;
  by?: string;
  details?: Record<string, unknown>;
}

export interface InstanceDetail extends InstanceSummary {
  variables: Record<string, unknown>;
  activeActivities: ActiveActivity[];
  completedActivities?: string[];
  timers: PendingTimer[];
  incidents: Incident[];
  history: HistoryEntry[];
  ocdsAvailable?: boolean;
}

export interface AuditVerification {
  valid: boolean;
  entries: number;
  firstInvalidSequence?: number;
  message?: string;
}

export type TaskFilter = 'mine' | 'claimable' | 'all';

export interface TaskQuery {
  filter: TaskFilter;
  /** Free text: task name, business key, process, group (the server decides what it matches). */
  q?: string;
  dueBefore?: string;
  overdue?: boolean;
  escalated?: boolean;
  sort?: 'due' | 'created' | 'priority';
  order?: 'asc' | 'desc';
  page?: number;
  pageSize?: number;
}

export interface TaskSummary {
  id: string;
  name: string;
  activityId: string;
  instanceId: string;
  definitionKey: string;
  businessKey?: string;
  assignee?: string | null;
  candidateGroups: string[];
  createdAt: string;
  dueAt?: string | null;
  escalated?: boolean;
  priority?: number;
}

/** A registry check's result as the vetting service tasks write it (src/ProcurementFlows.Registries/README.md). */
export interface VettingFinding {
  /** The process variable holding it, e.g. `companyLookup`. */
  variable: string;
  /** The check's topic, e.g. `registry.company-lookup`. */
  check?: string;
  status: 'clear' | 'hit' | 'needs-review' | 'not-found' | string;
  requiresReview?: boolean;
  summary?: string;
  reasons: string[];
  source?: string;
  retrievedAt?: string;
}

export interface CaseContext {
  facts: Record<string, unknown>;
  findings?: VettingFinding[];
  history?: HistoryEntry[];
}

/** A user from the directory, for pickers (delegate, reassign). */
export interface UserSummary {
  userName: string;
  displayName?: string;
  groups: string[];
}

/** Start a case. */
export interface StartCaseRequest {
  processKey: string;
  version?: number;
  businessKey?: string;
  variables: Record<string, unknown>;
}

export interface TaskDetail extends TaskSummary {
  /** The process version the case runs (to name activities from its diagram). */
  definitionVersion?: number;
  formKey?: string;
  form?: FormSchema | null;
  variables: Record<string, unknown>;
  context?: CaseContext;
}

/** RFC 9457 problem details, with ASP.NET Core's `errors` extension for field errors. */
export interface ProblemDetails {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  instance?: string;
  errors?: Record<string, string[]> | ValidationError[];
  [extra: string]: unknown;
}

export interface SupervisionCount {
  name: string;
  overdue: number;
  escalated: number;
}

export interface SupervisionOverview {
  byGroup: SupervisionCount[];
  byOfficer: SupervisionCount[];
  tasks: TaskSummary[];
}

export interface StageSla {
  activityId: string;
  name?: string;
  completed: number;
  breached: number;
  averageSeconds: number;
}

export interface SlaReport {
  definitionKey: string;
  version?: number;
  stages: StageSla[];
}
