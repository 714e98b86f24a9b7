'use strict';
// Runs a BPMN diagram on the npm package bpmn-engine, repeatedly, for a time budget, and prints one JSON line:
// { instances, activityEnds, ms, instancesPerSecond, node, bpmnEngine }.
// Usage: node bench.js <diagram.bpmn> [seconds=5] [warmupSeconds=2]
const fs = require('fs');
const { EventEmitter } = require('events');
const { Engine } = require('bpmn-engine');
const BpmnModdle = require('bpmn-moddle');

const [, , file, secondsArg, warmupArg] = process.argv;
const seconds = Number(secondsArg ?? 5);
const warmupSeconds = Number(warmupArg ?? 2);
const source = fs.readFileSync(file, 'utf8');

// The diagram's conditions are `${javascript}` over process variables (the ProcurementFlows dialect).
// bpmn-engine's built-in resolver only resolves property paths, so this resolver evaluates them as
// JavaScript over the variables; each distinct expression is compiled once.
const compiled = new Map();
const expressions = {
  resolveExpression(expression, context) {
    if (typeof expression !== 'string') return expression;
    const match = /^\s*\$\{([\s\S]*)\}\s*$/.exec(expression);
    if (!match) return expression;
    let fn = compiled.get(match[1]);
    if (!fn) {
      fn = new Function('vars', `with (vars) { return (${match[1]}); }`);
      compiled.set(match[1], fn);
    }
    const variables = (context && context.environment && context.environment.variables) || (context && context.variables) || {};
    return fn(variables);
  },
  hasExpression(expression) {
    return typeof expression === 'string' && expression.includes('${');
  },
};

async function runInstance(moddleContext, counter, index) {
  const engine = new Engine({ name: `bench-${index}`, moddleContext, expressions });
  const listener = new EventEmitter();
  listener.on('activity.end', () => { counter.activityEnds++; });
  const ended = engine.waitFor('end');
  await engine.execute({ listener, variables: { amount: 500000 + (index % 7), approved: index % 2 === 0 } });
  await ended;
}

async function runFor(moddleContext, budgetMs) {
  const counter = { activityEnds: 0, instances: 0 };
  const started = process.hrtime.bigint();
  let elapsedMs = 0;
  while (elapsedMs < budgetMs) {
    await runInstance(moddleContext, counter, counter.instances);
    counter.instances++;
    elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  }
  return { ...counter, ms: elapsedMs };
}

(async () => {
  const moddleContext = await new BpmnModdle().fromXML(source);
  await runFor(moddleContext, warmupSeconds * 1000);
  const result = await runFor(moddleContext, seconds * 1000);
  const pkg = JSON.parse(fs.readFileSync(require.resolve('bpmn-engine').replace(/(node_modules[\/]bpmn-engine)[\/].*$/, '$1/package.json'), 'utf8'));
  console.log(JSON.stringify({
    instances: result.instances,
    activityEnds: result.activityEnds,
    ms: result.ms,
    instancesPerSecond: result.instances / (result.ms / 1000),
    node: process.version,
    bpmnEngine: pkg.version,
  }));
})().catch((err) => {
  console.error(err && err.stack ? err.stack : String(err));
  process.exit(1);
});
