// The JSON Schemas in schemas/ are the source of truth for the configuration's
// shape; this module hands them to the validators and to whoever generates the
// Kubernetes CRD. The TypeScript types in core/types.ts are checked against
// them by test/config/schema-types.test.ts.
import resolvedSettingsJson from '../../../schemas/resolved-settings.schema.json' with { type: 'json' };
import settingsPatchJson from '../../../schemas/settings-patch.schema.json' with { type: 'json' };
import schedulingConfigJson from '../../../schemas/scheduling-config.schema.json' with { type: 'json' };
import notificationDestinationJson from '../../../schemas/notification-destination.schema.json' with { type: 'json' };

/** A JSON Schema object, as read from schemas/. */
export type JsonSchema = Record<string, unknown>;

export const API_VERSION = 'scheduling.classctl.dev/v1';
export const KIND = 'SchedulingConfig';

/** Settings after base ⊕ branch ⊕ series: every field required, no null. */
export const resolvedSettingsSchema: JsonSchema = resolvedSettingsJson;
/** `spec.settings` of one document: every field optional, null deletes. */
export const settingsPatchSchema: JsonSchema = settingsPatchJson;
/** A whole SchedulingConfig document; `spec.settings` is a `$ref` to the patch schema. */
export const schedulingConfigSchema: JsonSchema = schedulingConfigJson;
/** A NotificationDestination document (beside the SchedulingConfigs). */
export const notificationDestinationSchema: JsonSchema = notificationDestinationJson;
export const DESTINATION_KIND = 'NotificationDestination';

/**
 * The document schema with `spec.settings` inlined (no `$ref`, no `$id`), the
 * form a Kubernetes CRD's openAPIV3Schema is generated from. Returns a fresh copy.
 */
export function schedulingConfigSchemaInlined(): JsonSchema {
  const doc = structuredClone(schedulingConfigSchema) as {
    properties: { spec: { properties: Record<string, unknown> } };
  } & JsonSchema;
  const { $schema: _s, $id: _i, ...settings } = structuredClone(settingsPatchSchema);
  doc.properties.spec.properties.settings = settings;
  delete doc.$id;
  return doc;
}
