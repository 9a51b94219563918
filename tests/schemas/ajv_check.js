// Compile sedata's exported JSON Schemas with Ajv 8 (Ajv2020, strict: true, nothing else) and validate
// instances. Input (stdin): {"schemas": {name: schema}, "cases": [[name, instance], ...], "defs": name?};
// with "defs", every $defs entry of that schema is also compiled on its own (as "$defs/<entry>").
// Output (stdout): {"compiled": [names], "verdicts": [{"valid": bool, "first": error or null}, ...]}.
// Run with NODE_PATH pointing at a node_modules folder that holds ajv@8.
"use strict";
const Ajv2020 = require("ajv/dist/2020").default;

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const {schemas, cases, defs} = JSON.parse(input);
  const compiled = {};
  const failures = {};
  if (defs) {
    const ajv = new Ajv2020({strict: true});
    ajv.addSchema(schemas[defs]);
    for (const entry of Object.keys(schemas[defs].$defs)) {
      try {
        compiled[`$defs/${entry}`] = ajv.getSchema(`${schemas[defs].$id}#/$defs/${entry}`);
      } catch (err) {
        failures[`$defs/${entry}`] = String(err.message);
      }
    }
  }
  for (const [name, schema] of Object.entries(schemas)) {
    // One Ajv per file, as a consumer would load it; strict mode throws on anything non-standard.
    const ajv = new Ajv2020({strict: true});
    try {
      compiled[name] = ajv.compile(schema);
    } catch (err) {
      failures[name] = String(err.message);
    }
  }
  const verdicts = cases.map(([name, instance]) => {
    const validate = compiled[name];
    if (!validate) return {valid: null, first: null};
    const valid = validate(instance);
    return {valid, first: valid ? null : validate.errors[0]};
  });
  process.stdout.write(JSON.stringify({compiled: Object.keys(compiled), failures, verdicts}));
});
