// The SchedulingConfig CustomResourceDefinition, built from the JSON Schemas in
// schemas/: spec comes from scheduling-config.schema.json (its settings from
// settings-patch.schema.json through $ref), status is the controller's own
// (metav1.Condition-shaped conditions), and metadata/apiVersion/kind are the
// API server's.
import type { SchemaRegistry } from './schema-registry.js';
import { toStructural, type SchemaNode } from './to-structural.js';

export const CRD_GROUP = 'scheduling.classctl.dev';
export const CRD_PLURAL = 'schedulingconfigs';
export const CRD_FILE_NAME = `${CRD_GROUP}_${CRD_PLURAL}.yaml`;
const SOURCE_SCHEMA = 'scheduling-config.schema.json';

/** The CRD as a plain object, keys in the order they are written. */
export function buildSchedulingConfigCrd(registry: SchemaRegistry): SchemaNode {
  const { schema: source, id } = registry.byFile(SOURCE_SCHEMA);
  const sourceProperties = source.properties as Record<string, SchemaNode>;
  const spec = toStructural(sourceProperties.spec, id, registry.resolve, '/properties/spec');
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${CRD_PLURAL}.${CRD_GROUP}`,
      labels: { 'app.kubernetes.io/part-of': 'class-series-controller' },
    },
    spec: {
      group: CRD_GROUP,
      names: {
        kind: 'SchedulingConfig',
        listKind: 'SchedulingConfigList',
        plural: CRD_PLURAL,
        singular: 'schedulingconfig',
        shortNames: ['schedcfg'],
        categories: ['classctl'],
      },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: printerColumns(),
          schema: {
            openAPIV3Schema: {
              description: source.description,
              type: 'object',
              properties: {
                apiVersion: { type: 'string', description: 'scheduling.classctl.dev/v1' },
                kind: { type: 'string', description: 'SchedulingConfig' },
                metadata: { type: 'object' },
                spec,
                status: statusSchema(),
              },
              required: ['spec'],
            },
          },
        },
      ],
    },
  };
}

function printerColumns(): SchemaNode[] {
  const valid = '.status.conditions[?(@.type=="Valid")]';
  return [
    { name: 'Scope', type: 'string', description: '{} = base, {"branch":ID} or {"series":ID}', jsonPath: '.spec.scope' },
    { name: 'Valid', type: 'string', description: 'Whether the document is valid and free of conflicts', jsonPath: `${valid}.status` },
    { name: 'Reason', type: 'string', priority: 1, description: 'Why the document is (not) valid', jsonPath: `${valid}.reason` },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ];
}

/** status: written by the controller through the status subresource only. */
function statusSchema(): SchemaNode {
  return {
    description: 'Written by the controller through the status subresource: whether the document is valid (Valid) and the last run that applied it (Applied).',
    type: 'object',
    properties: {
      observedGeneration: {
        description: 'The metadata.generation the conditions were computed from.',
        type: 'integer',
        format: 'int64',
        minimum: 0,
      },
      conditions: {
        description: 'Valid: False with the reason, message and JSON pointer of an invalid or conflicting document. Applied: the last run that reconciled with this document.',
        type: 'array',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['type'],
        items: conditionSchema(),
      },
    },
  };
}

/** metav1.Condition, with the API conventions' limits. */
function conditionSchema(): SchemaNode {
  return {
    description: 'A metav1.Condition.',
    type: 'object',
    properties: {
      type: {
        description: 'Valid or Applied.',
        type: 'string',
        maxLength: 316,
        pattern: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$',
      },
      status: { type: 'string', enum: ['True', 'False', 'Unknown'] },
      observedGeneration: { type: 'integer', format: 'int64', minimum: 0 },
      lastTransitionTime: {
        description: 'When the condition last changed status.',
        type: 'string',
        format: 'date-time',
      },
      reason: {
        description: 'Why: the classctl error code (e.g. CONFIG_UNKNOWN_FIELD, CONFIG_CONFLICT) or a CamelCase reason (DocumentInvalid, RunFailed).',
        type: 'string',
        minLength: 1,
        maxLength: 1024,
        pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$',
      },
      message: {
        description: 'What is wrong, with the JSON pointer of the offending field, and what to fix.',
        type: 'string',
        maxLength: 32768,
      },
    },
    required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'],
  };
}
