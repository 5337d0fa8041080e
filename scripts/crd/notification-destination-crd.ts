// The NotificationDestination CustomResourceDefinition, built from
// schemas/notification-destination.schema.json. The schema's type-dependent
// requirements (`allOf` of `if`/`then`, which a structural schema cannot
// hold) become CEL rules with the same meaning; the controller still checks
// every resource against the full JSON Schema.
import type { SchemaRegistry } from './schema-registry.js';
import { toStructural, type SchemaNode } from './to-structural.js';

export const DESTINATION_CRD_GROUP = 'scheduling.classctl.dev';
export const DESTINATION_CRD_PLURAL = 'notificationdestinations';
export const DESTINATION_CRD_FILE_NAME = `${DESTINATION_CRD_GROUP}_${DESTINATION_CRD_PLURAL}.yaml`;
const SOURCE_SCHEMA = 'notification-destination.schema.json';

export function buildNotificationDestinationCrd(registry: SchemaRegistry): SchemaNode {
  const { schema: source, id } = registry.byFile(SOURCE_SCHEMA);
  const { allOf: _typeRules, ...specSource } = (source.properties as Record<string, SchemaNode>).spec as SchemaNode;
  const spec = toStructural(specSource, id, registry.resolve, '/properties/spec');
  spec['x-kubernetes-validations'] = [
    { rule: "self.type != 'webhook' || (has(self.url) != has(self.urlFrom) && has(self.secretFrom))", message: 'a webhook destination needs secretFrom and exactly one of url and urlFrom' },
    { rule: "self.type != 'slack' || has(self.urlFrom)", message: 'a slack destination needs urlFrom' },
  ];
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${DESTINATION_CRD_PLURAL}.${DESTINATION_CRD_GROUP}`, labels: { 'app.kubernetes.io/part-of': 'class-series-controller' } },
    spec: {
      group: DESTINATION_CRD_GROUP,
      names: { kind: 'NotificationDestination', listKind: 'NotificationDestinationList', plural: DESTINATION_CRD_PLURAL, singular: 'notificationdestination', shortNames: ['notifydest'], categories: ['classctl'] },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          additionalPrinterColumns: [
            { name: 'Type', type: 'string', jsonPath: '.spec.type' },
            { name: 'Min-Severity', type: 'string', jsonPath: '.spec.minSeverity' },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
          schema: {
            openAPIV3Schema: {
              description: source.description,
              type: 'object',
              properties: {
                apiVersion: { type: 'string', description: 'scheduling.classctl.dev/v1' },
                kind: { type: 'string', description: 'NotificationDestination' },
                metadata: { type: 'object' },
                spec,
              },
              required: ['spec'],
            },
          },
        },
      ],
    },
  };
}
