{{/*
Names, labels and the pieces of the pod spec shared by the CronJob, the
Deployment and the migration Job.
*/}}

{{- define "csc.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-scoped name, at most 63 characters (a DNS label). */}}
{{- define "csc.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The CronJob's name is at most 52 characters: the Jobs it creates append an
11-character suffix and must stay DNS labels.
*/}}
{{- define "csc.cronjobName" -}}
{{- include "csc.fullname" . | trunc 52 | trimSuffix "-" }}
{{- end }}

{{- define "csc.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The standard app.kubernetes.io labels, on every object. */}}
{{- define "csc.labels" -}}
helm.sh/chart: {{ include "csc.chart" . }}
{{ include "csc.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: class-series-controller
{{- end }}

{{- define "csc.selectorLabels" -}}
app.kubernetes.io/name: {{ include "csc.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Labels of one component's objects and pods. The component is part of the
selector so that the Service and the PodDisruptionBudget never select the
migration Job's pods.
Usage: include "csc.componentLabels" (dict "ctx" $ "component" "controller")
*/}}
{{- define "csc.componentLabels" -}}
{{ include "csc.labels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "csc.componentSelectorLabels" -}}
{{ include "csc.selectorLabels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "csc.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "csc.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "csc.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* The Secret DATABASE_URL is read from: the existing one, or the chart's. */}}
{{- define "csc.databaseSecretName" -}}
{{- if .Values.database.existingSecret }}
{{- .Values.database.existingSecret }}
{{- else }}
{{- printf "%s-database" (include "csc.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "csc.configMapName" -}}
{{- printf "%s-config" (include "csc.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Checks that need more than the values schema (or whose schema message would
not say what to fix): exactly one of database.url and database.existingSecret,
at least one document for a configMap source, no extraEnv overriding the
variables the chart sets, and one PodDisruptionBudget bound.
Called from every template that renders a workload.
*/}}
{{- define "csc.validate" -}}
{{- if and (not .Values.database.url) (not .Values.database.existingSecret) }}
{{- fail "database: set database.existingSecret (the name of a Secret holding the PostgreSQL URL under database.secretKey) or database.url" }}
{{- end }}
{{- if and .Values.database.url .Values.database.existingSecret }}
{{- fail "database: set database.url or database.existingSecret, not both (the URL would be ignored)" }}
{{- end }}
{{- if and (eq .Values.config.source "configMap") (not .Values.config.documents) }}
{{- fail "config.documents is empty: with config.source=configMap give at least the base SchedulingConfig document, or use config.source=kubernetes" }}
{{- end }}
{{- range .Values.extraEnv }}
{{- if has .name (list "DATABASE_URL" "CLASSCTL_ENV" "CLASSCTL_ALLOW_APPLY") }}
{{- fail (printf "extraEnv: %s is set by the chart (from database, environment and allowApply); set those values instead" .name) }}
{{- end }}
{{- end }}
{{- if and .Values.podDisruptionBudget.enabled (not (kindIs "invalid" .Values.podDisruptionBudget.minAvailable)) (not (kindIs "invalid" .Values.podDisruptionBudget.maxUnavailable)) }}
{{- fail "podDisruptionBudget: set minAvailable or maxUnavailable, not both (set the other to null)" }}
{{- end }}
{{- end }}

{{/*
The global flags that pick the config source, placed before the subcommand.
*/}}
{{- define "csc.configArgs" -}}
{{- if eq .Values.config.source "kubernetes" }}
- --config-source
- kubernetes
- --namespace
- {{ .Release.Namespace | quote }}
{{- else }}
- --config
- /etc/classctl/config
{{- end }}
{{- end }}

{{/*
Environment shared by every container: the database URL from a Secret (never
in the pod spec), the guard variables and the log level.
*/}}
{{- define "csc.env" -}}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "csc.databaseSecretName" . | quote }}
      key: {{ .Values.database.secretKey | quote }}
{{- if .Values.environment }}
- name: CLASSCTL_ENV
  value: {{ .Values.environment | quote }}
{{- end }}
- name: CLASSCTL_ALLOW_APPLY
  value: {{ ternary "true" "false" .Values.allowApply | quote }}
- name: CLASSCTL_LOG_LEVEL
  value: {{ .Values.logLevel | quote }}
# Holiday calendars fetched from https URLs are cached here: the root file
# system is read-only, and /tmp is the pod's writable emptyDir.
- name: CLASSCTL_CACHE_DIR
  value: /tmp/classctl-cache
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Volumes of the reconciling pods: a writable /tmp, and the config documents. */}}
{{- define "csc.volumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpSizeLimit }}
{{- if eq .Values.config.source "configMap" }}
- name: config
  configMap:
    name: {{ include "csc.configMapName" . }}
{{- end }}
{{- end }}

{{- define "csc.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- if eq .Values.config.source "configMap" }}
- name: config
  mountPath: /etc/classctl/config
  readOnly: true
{{- end }}
{{- end }}

{{/* Pod-level settings shared by every pod the chart runs. */}}
{{- define "csc.podCommon" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/*
Service account and token of the reconciling pods: a token only when the
config comes from the Kubernetes API.
*/}}
{{- define "csc.podIdentity" -}}
serviceAccountName: {{ include "csc.serviceAccountName" . }}
automountServiceAccountToken: {{ eq .Values.config.source "kubernetes" }}
{{- end }}

{{/* Pod annotations: values, plus a checksum that rolls pods when the documents change. */}}
{{- define "csc.podAnnotations" -}}
{{- $annotations := deepCopy .Values.podAnnotations }}
{{- if eq .Values.config.source "configMap" }}
{{- $_ := set $annotations "checksum/config" (toYaml .Values.config.documents | sha256sum) }}
{{- end }}
{{- if not .Values.database.existingSecret }}
{{- $_ := set $annotations "checksum/database" (printf "%s/%s" .Values.database.url .Values.database.secretKey | sha256sum) }}
{{- end }}
{{- with $annotations }}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}
