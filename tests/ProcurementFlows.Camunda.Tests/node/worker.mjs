// Works the external tasks of one topic with Camunda's own JavaScript client, against /engine-rest.
// Usage: node worker.mjs <engine-rest url> <topic> <user> <password> <number of tasks to handle>
// Supplier "reject" → BPMN error NOT_ELIGIBLE; "crash" → failure with retries 0; else complete with a score.
import { Client, BasicAuthInterceptor, Variables } from "camunda-external-task-client-js";

const [baseUrl, topic, username, password, expected] = process.argv.slice(2);
const client = new Client({
  baseUrl,
  workerId: "node-worker",
  interceptors: new BasicAuthInterceptor({ username, password }),
  asyncResponseTimeout: 2000,
  lockDuration: 20000,
  interval: 50,
  maxTasks: 2,
});

let handled = 0;
const done = () => {
  handled += 1;
  if (handled >= Number(expected)) {
    client.stop();
    setTimeout(() => process.exit(0), 100);
  }
};

client.on("poll:error", (error) => console.error("poll error", error?.message ?? error));

client.subscribe(topic, async ({ task, taskService }) => {
  const supplier = task.variables.get("supplier");
  const lots = task.variables.get("lots");
  if (supplier === "reject") {
    const variables = new Variables().set("reason", "sanctioned");
    await taskService.handleBpmnError(task, "NOT_ELIGIBLE", "Supplier is on a sanctions list", variables);
  } else if (supplier === "crash") {
    await taskService.handleFailure(task, { errorMessage: "Registry unreachable", errorDetails: "timeout after 30 s", retries: 0, retryTimeout: 0 });
  } else {
    const variables = new Variables();
    variables.set("score", supplier === "good" ? 80 : 20);
    variables.set("report", { checkedBy: "node-worker", supplier, lots });
    variables.set("checkedAt", new Date("2026-02-01T10:00:00Z"));
    await taskService.complete(task, variables);
  }
  console.log(JSON.stringify({ task: task.id, instance: task.processInstanceId, supplier }));
  done();
});
