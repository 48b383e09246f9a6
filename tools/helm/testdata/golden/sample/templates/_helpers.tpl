{{/*
Name of an app's objects: <release>-<app>, truncated to 63 characters (DNS-1123), or to
the length a third element gives (52 for a CronJob, as Kubernetes appends 11 to name its
Jobs, and for a StatefulSet, whose pods' controller-revision-hash label appends 11).
Call with (list $ "app-name") or (list $ "app-name" 52).
*/}}
{{- define "sample.fullname" -}}
{{- $max := 63 -}}
{{- if gt (len .) 2 -}}{{- $max = index . 2 -}}{{- end -}}
{{- printf "%s-%s" (index . 0).Release.Name (index . 1) | trunc $max | trimSuffix "-" -}}
{{- end -}}

{{/*
Selector labels: only what never changes across upgrades and environments.
Call with (list $ "app-name").
*/}}
{{- define "sample.selectorLabels" -}}
app.kubernetes.io/name: {{ index . 1 | quote }}
app.kubernetes.io/instance: {{ (index . 0).Release.Name | quote }}
{{- end -}}

{{/*
Standard labels of every object. Call with (list $ "app-name" "app-type"), or with the app's
own version as a fourth item (empty: the chart's appVersion).
*/}}
{{- define "sample.labels" -}}
{{- $root := index . 0 -}}
{{- $version := $root.Chart.AppVersion -}}
{{- if gt (len .) 3 }}{{ with index . 3 }}{{ $version = . }}{{ end }}{{ end -}}
helm.sh/chart: {{ printf "%s-%s" $root.Chart.Name $root.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" | quote }}
{{ include "sample.selectorLabels" (list $root (index . 1)) }}
app.kubernetes.io/version: {{ $version | toString | replace "+" "_" | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/component: {{ index . 2 | quote }}
app.kubernetes.io/part-of: {{ $root.Chart.Name | quote }}
app.kubernetes.io/managed-by: {{ $root.Release.Service | quote }}
{{- end -}}

{{/*
Image reference: repository@digest when a digest is set, else repository:tag.
Call with an app's image values.
*/}}
{{- define "sample.image" -}}
{{- if .digest -}}
{{- printf "%s@%s" .repository .digest -}}
{{- else -}}
{{- printf "%s:%s" .repository (required "an image tag or digest is required" .tag) -}}
{{- end -}}
{{- end -}}

{{/*
Fails rendering, naming both apps, when an app needs another that values switch off. Call
with (list $ "needing-app" "needed-app" "neededValuesKey" "why").
*/}}
{{- define "sample.requireEnabled" -}}
{{- $root := index . 0 -}}
{{- if not (index $root.Values.apps (index . 3)).enabled -}}
{{- fail (printf "app %s needs app %s (%s), which is disabled: set apps.%s.enabled=true or stop referring to it" (index . 1) (index . 2) (index . 4) (index . 3)) -}}
{{- end -}}
{{- end -}}

{{/*
In-cluster address of another app of the chart (sibling_env), following the release name and
namespace: host (<release>-<app>.<namespace>.svc), host-port (host:<its service.port>) or url
(http://host:port); rendering fails when values switch the addressed app off. Call with
(list $ (dict "app" name "valuesKey" key "form" form) "addressing-app").
*/}}
{{- define "sample.address" -}}
{{- $root := index . 0 -}}
{{- $address := index . 1 -}}
{{- $target := required (printf "sibling address of app %s: no such app in this chart" $address.app) (index $root.Values.apps $address.valuesKey) -}}
{{- include "sample.requireEnabled" (list $root (index . 2) $address.app $address.valuesKey "its sibling_env holds that app's address") -}}
{{- $host := printf "%s.%s.svc" (include "sample.fullname" (list $root $address.app)) $root.Release.Namespace -}}
{{- if eq $address.form "host" -}}
{{- $host -}}
{{- else if eq $address.form "host-port" -}}
{{- printf "%s:%d" $host ($target.service.port | int) -}}
{{- else if eq $address.form "url" -}}
{{- printf "http://%s:%d" $host ($target.service.port | int) -}}
{{- else -}}
{{- fail (printf "sibling address form %q is none of host, host-port, url" $address.form) -}}
{{- end -}}
{{- end -}}

{{/*
The value of a cluster_env variable: the downward API's fieldRef or resourceFieldRef (CPU in
millicores, memory in bytes), or Helm's release or chart name. Call with
(list $ "field" "container-name").
*/}}
{{- define "sample.clusterEnv" -}}
{{- $root := index . 0 -}}
{{- $field := index . 1 -}}
{{- $fields := dict "pod-name" "metadata.name" "pod-namespace" "metadata.namespace" "pod-ip" "status.podIP" "node-name" "spec.nodeName" -}}
{{- $resources := dict "cpu-request" "requests.cpu" "cpu-limit" "limits.cpu" "memory-request" "requests.memory" "memory-limit" "limits.memory" -}}
{{- if eq $field "release-name" -}}
value: {{ $root.Release.Name | quote }}
{{- else if eq $field "chart-name" -}}
value: {{ $root.Chart.Name | quote }}
{{- else if hasKey $fields $field -}}
valueFrom:
  fieldRef:
    fieldPath: {{ get $fields $field }}
{{- else if hasKey $resources $field -}}
valueFrom:
  resourceFieldRef:
    containerName: {{ index . 2 | quote }}
    resource: {{ get $resources $field }}
    divisor: {{ ternary "1m" "1" (hasPrefix "cpu" $field) | quote }}
{{- else -}}
{{- fail (printf "cluster env field %q is unknown" $field) -}}
{{- end -}}
{{- end -}}
