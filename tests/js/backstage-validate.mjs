// Validates each catalog-info.yaml given on the command line with Backstage's own entity policies
// and kind validators. Usage: node backstage-validate.mjs FILE...   Exit 0 when all are valid.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import {
  EntityPolicies,
  DefaultNamespaceEntityPolicy,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  SchemaValidEntityPolicy,
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  domainEntityV1alpha1Validator,
  groupEntityV1alpha1Validator,
  resourceEntityV1alpha1Validator,
  systemEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';

const policy = EntityPolicies.allOf([
  new DefaultNamespaceEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(),
  new SchemaValidEntityPolicy(),
]);
const kindValidators = [
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  domainEntityV1alpha1Validator,
  groupEntityV1alpha1Validator,
  resourceEntityV1alpha1Validator,
  systemEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
];
const relationFields = {
  owner: 'group', system: 'system', domain: 'domain', parent: 'group',
  providesApis: 'api', consumesApis: 'api', dependsOn: 'component', memberOf: 'group', members: 'user',
  children: 'group',
};

let failed = 0;
for (const file of process.argv.slice(2)) {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  const seen = new Set();
  const entities = [];
  for (const [i, doc] of docs.entries()) {
    const where = `${file} document ${i + 1}`;
    try {
      if (doc.errors.length) throw new Error(doc.errors.map(e => e.message).join('; '));
      const raw = doc.toJS();
      if (raw === null) continue;
      const entity = await policy.enforce(raw);
      let matched = false;
      for (const v of kindValidators) {
        if (await v.check(entity)) matched = true;
      }
      if (!matched) throw new Error(`no validator accepts kind ${entity.kind}`);
      const ref = stringifyEntityRef(entity);
      if (seen.has(ref)) throw new Error(`duplicate entity ${ref}`);
      seen.add(ref);
      entities.push(entity);
    } catch (e) {
      failed++;
      console.error(`FAIL ${where}: ${e.message ?? e}`);
    }
  }
  // Every relation must point at an entity of the same catalog.
  for (const entity of entities) {
    for (const [field, defaultKind] of Object.entries(relationFields)) {
      const value = entity.spec?.[field];
      for (const target of Array.isArray(value) ? value : value ? [value] : []) {
        const ref = stringifyEntityRef(parseEntityRef(target, { defaultKind, defaultNamespace: 'default' }));
        if (!seen.has(ref)) {
          failed++;
          console.error(`FAIL ${file}: ${stringifyEntityRef(entity)} spec.${field} points at missing ${ref}`);
        }
      }
    }
  }
  console.log(`${file}: ${entities.length} entities checked`);
}
process.exit(failed ? 1 : 0);
