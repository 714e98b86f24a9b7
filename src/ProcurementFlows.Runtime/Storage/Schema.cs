namespace ProcurementFlows.Runtime.Storage;

/// <summary>
/// The runtime's tables (schema <c>pf</c>), as an ordered list of migrations. A migration, once
/// published, never changes: later changes are new entries at the end.
/// </summary>
internal static class Schema
{
    public const string Name = "pf";

    /// <summary>
    /// SQLSTATE raised by <c>pf.require_version_match</c> when an instance UPDATE found no row with the
    /// expected version (another command changed the instance first); the message text is the instance id.
    /// </summary>
    public const string ConcurrentChangeSqlState = "PF409";

    /// <summary>
    /// SQLSTATE raised by <c>pf.require_latest_definition</c> when a start by key used a cached latest version and a
    /// newer version of the key has been deployed meanwhile (by any process); the message text is exactly the key.
    /// </summary>
    public const string StaleLatestVersionSqlState = "PF410";

    public static readonly IReadOnlyList<(int Version, string Description, string Sql)> Migrations =
    [
        (1, "initial schema", """
            CREATE TABLE pf.deployments (
                id              uuid PRIMARY KEY,
                name            text,
                source          text,
                deployed_by     text,
                deployed_at     timestamptz NOT NULL,
                resource_count  int NOT NULL
            );

            -- One immutable, numbered version of a process definition (one BPMN process).
            CREATE TABLE pf.definitions (
                key             text NOT NULL,
                version         int NOT NULL,
                name            text,
                deployment_id   uuid NOT NULL REFERENCES pf.deployments(id),
                resource_name   text NOT NULL,
                bpmn_xml        text NOT NULL,
                checksum        text NOT NULL,
                deployed_by     text,
                deployed_at     timestamptz NOT NULL,
                PRIMARY KEY (key, version)
            );

            CREATE TABLE pf.forms (
                form_key        text NOT NULL,
                version         int NOT NULL,
                deployment_id   uuid NOT NULL REFERENCES pf.deployments(id),
                resource_name   text NOT NULL,
                content         text NOT NULL,
                checksum        text NOT NULL,
                deployed_by     text,
                deployed_at     timestamptz NOT NULL,
                PRIMARY KEY (form_key, version)
            );

            CREATE TABLE pf.instances (
                id                  text PRIMARY KEY,
                definition_key      text NOT NULL,
                definition_version  int NOT NULL,
                business_key        text,
                status              text NOT NULL,
                started_by          text,
                started_at          timestamptz NOT NULL,
                ended_at            timestamptz,
                updated_at          timestamptz NOT NULL,
                parent_instance_id  text,
                current_activities  text[] NOT NULL DEFAULT '{}',
                state               jsonb NOT NULL,
                version             bigint NOT NULL,
                history_sequence    bigint NOT NULL DEFAULT 0,
                history_hash        text NOT NULL DEFAULT ''
            );
            CREATE INDEX instances_definition ON pf.instances (definition_key, definition_version);
            CREATE INDEX instances_business_key ON pf.instances (business_key) WHERE business_key IS NOT NULL;
            CREATE INDEX instances_status_started ON pf.instances (status, started_at);
            CREATE INDEX instances_parent ON pf.instances (parent_instance_id) WHERE parent_instance_id IS NOT NULL;
            CREATE INDEX instances_current_activities ON pf.instances USING gin (current_activities);

            -- The inbox: one row per user task, open or closed.
            CREATE TABLE pf.tasks (
                id                  text PRIMARY KEY,
                instance_id         text NOT NULL,
                definition_key      text NOT NULL,
                business_key        text,
                activity_id         text NOT NULL,
                name                text,
                form_key            text,
                assignee            text,
                owner               text,
                candidate_users     text[] NOT NULL DEFAULT '{}',
                candidate_groups    text[] NOT NULL DEFAULT '{}',
                due_at              timestamptz,
                follow_up_at        timestamptz,
                priority            int NOT NULL DEFAULT 50,
                status              text NOT NULL,
                claimed_by          text,
                escalation_level    int NOT NULL DEFAULT 0,
                escalation_code     text,
                escalated_at        timestamptz,
                created_at          timestamptz NOT NULL,
                closed_at           timestamptz,
                closed_by           text,
                close_reason        text
            );
            CREATE INDEX tasks_instance ON pf.tasks (instance_id);
            CREATE INDEX tasks_open_assignee ON pf.tasks (assignee, created_at, id) WHERE status = 'open';
            CREATE INDEX tasks_open_due ON pf.tasks (due_at) WHERE status = 'open';
            CREATE INDEX tasks_open_escalated ON pf.tasks (escalation_level) WHERE status = 'open' AND escalation_level > 0;
            CREATE INDEX tasks_candidate_users ON pf.tasks USING gin (candidate_users);
            CREATE INDEX tasks_candidate_groups ON pf.tasks USING gin (candidate_groups);

            CREATE TABLE pf.timers (
                id              text PRIMARY KEY,
                instance_id     text NOT NULL,
                activity_id     text NOT NULL,
                due_at          timestamptz NOT NULL,
                status          text NOT NULL,          -- pending | fired | cancelled
                hangfire_job_id text,
                created_at      timestamptz NOT NULL,
                closed_at       timestamptz
            );
            CREATE INDEX timers_pending_due ON pf.timers (due_at) WHERE status = 'pending';
            CREATE INDEX timers_instance ON pf.timers (instance_id);

            -- Service-task jobs; lock_owner/lock_expires_at serve external workers (fetch and lock).
            CREATE TABLE pf.service_jobs (
                id              text PRIMARY KEY,
                instance_id     text NOT NULL,
                activity_id     text NOT NULL,
                topic           text NOT NULL,
                input           jsonb NOT NULL,
                status          text NOT NULL,          -- pending | completed | failed | cancelled | incident
                retries_left    int NOT NULL,
                attempts        int NOT NULL DEFAULT 0,
                due_at          timestamptz NOT NULL,
                last_error      text,
                hangfire_job_id text,
                lock_owner      text,
                lock_expires_at timestamptz,
                created_at      timestamptz NOT NULL,
                updated_at      timestamptz NOT NULL
            );
            CREATE INDEX service_jobs_pending ON pf.service_jobs (topic, due_at) WHERE status = 'pending';
            CREATE INDEX service_jobs_instance ON pf.service_jobs (instance_id);

            CREATE TABLE pf.incidents (
                id              text PRIMARY KEY,
                instance_id     text NOT NULL,
                definition_key  text NOT NULL,
                activity_id     text NOT NULL,
                type            text NOT NULL,
                message         text NOT NULL,
                job_id          text,
                status          text NOT NULL,          -- open | resolved
                created_at      timestamptz NOT NULL,
                resolved_at     timestamptz
            );
            CREATE INDEX incidents_open ON pf.incidents (created_at) WHERE status = 'open';
            CREATE INDEX incidents_instance ON pf.incidents (instance_id);

            CREATE TABLE pf.message_subscriptions (
                id              text PRIMARY KEY,
                instance_id     text NOT NULL,
                message_name    text NOT NULL,
                correlation_key text,
                activity_id     text NOT NULL,
                created_at      timestamptz NOT NULL
            );
            CREATE INDEX message_subscriptions_name_key ON pf.message_subscriptions (message_name, correlation_key);
            CREATE INDEX message_subscriptions_instance ON pf.message_subscriptions (instance_id);

            -- Append-only, hash-chained per instance: hash = sha256(prev_hash || entry).
            CREATE TABLE pf.history (
                instance_id     text NOT NULL,
                sequence        bigint NOT NULL,
                type            text NOT NULL,
                activity_id     text,
                user_id         text,
                occurred_at     timestamptz NOT NULL,
                entry           text NOT NULL,
                prev_hash       text NOT NULL,
                hash            text NOT NULL,
                PRIMARY KEY (instance_id, sequence)
            );
            CREATE INDEX history_occurred ON pf.history (occurred_at);
            """),
        (2, "optimistic version check usable inside a statement batch", """
            -- The command loop sends its instance UPDATE, effect rows, history and COMMIT in one round trip;
            -- a version mismatch must therefore abort the batch instead of returning a row count.
            CREATE FUNCTION pf.require_version_match(updated bigint, instance_id text, expected_version bigint) RETURNS void
            LANGUAGE plpgsql AS $$
            BEGIN
                IF updated <> 1 THEN
                    -- The message text is exactly the instance id (read by the runtime; Npgsql redacts DETAIL).
                    RAISE EXCEPTION USING ERRCODE = 'PF409', MESSAGE = instance_id,
                        HINT = format('instance changed concurrently: expected version %s', expected_version);
                END IF;
            END
            $$;
            """),
        (3, "timer start events; inbox order index", """
            -- Timer start events are timers without an instance: definition_key/definition_version say whose,
            -- fired_count numbers the occurrences of a cycle (one row per occurrence).
            ALTER TABLE pf.timers ALTER COLUMN instance_id DROP NOT NULL;
            ALTER TABLE pf.timers ADD COLUMN definition_key text, ADD COLUMN definition_version int, ADD COLUMN fired_count int NOT NULL DEFAULT 0;
            CREATE INDEX timers_start_pending ON pf.timers (definition_key, definition_version) WHERE instance_id IS NULL AND status = 'pending';

            -- The inbox pages open tasks by creation time; at 100,000 open tasks a sort per page is too slow.
            CREATE INDEX tasks_open_created ON pf.tasks (created_at, id) WHERE status IN ('open', 'delegated');
            """),
        (4, "start by key: check a cached latest version inside the command's batch", """
            -- A start by key takes the latest version from a per-process cache and queues this check with its writes:
            -- a version deployed meanwhile by any process aborts the batch (the runtime forgets the cached version and
            -- repeats the start), so a start never uses an older version than the newest committed before it.
            CREATE FUNCTION pf.require_latest_definition(p_key text, p_version int) RETURNS void
            LANGUAGE plpgsql AS $$
            BEGIN
                IF EXISTS (SELECT 1 FROM pf.definitions d WHERE d.key = p_key AND d.version > p_version) THEN
                    -- The message text is exactly the key (read by the runtime).
                    RAISE EXCEPTION USING ERRCODE = 'PF410', MESSAGE = p_key,
                        HINT = format('a newer version than %s has been deployed', p_version);
                END IF;
            END
            $$;
            """),
        (5, "external-task priority; Camunda value types of variables", """
            -- camunda:taskPriority evaluated at dispatch; fetchAndLock with usePriority takes the highest first.
            ALTER TABLE pf.service_jobs ADD COLUMN priority bigint NOT NULL DEFAULT 0;

            -- The Camunda value type a client gave a variable (Long, Short, Date, Json, Object...), next to the JSON value
            -- it was stored as. It applies only while the variable still holds exactly that value (value_json); a value
            -- changed since (by a script, a mapping, our own API) has its type inferred again.
            CREATE TABLE pf.variable_value_types (
                instance_id     text NOT NULL,
                name            text NOT NULL,
                type            text NOT NULL,
                value_info      jsonb,
                value_json      text NOT NULL,
                updated_at      timestamptz NOT NULL,
                PRIMARY KEY (instance_id, name)
            );
            """),
    ];
}
