{{/*
Name of an app's objects: <release>-<app>, truncated to 63 characters (DNS-1123).
Call with (list $ "app-name").
*/}}
{{- define "sample.fullname" -}}
{{- printf "%s-%s" (index . 0).Release.Name (index . 1) | trunc 63 | trimSuffix "-" -}}
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
