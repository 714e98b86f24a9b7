// Packages that ship no TypeScript declarations; used through narrow local types.
declare module 'bpmn-js-properties-panel';
declare module '@bpmn-io/properties-panel';
declare module '@bpmn-io/properties-panel/preact';
declare module 'bpmn-js-differ';
