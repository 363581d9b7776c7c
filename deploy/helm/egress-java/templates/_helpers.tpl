{{- define "egress-java.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "egress-java.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "egress-java.selector" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* The server's config: the values' `config`, its tmp_dir on the spool volume unless given. */}}
{{- define "egress-java.config" -}}
{{- $config := deepCopy .Values.config -}}
{{- if not (hasKey $config "tmp_dir") -}}
{{- $_ := set $config "tmp_dir" .Values.spool.mountPath -}}
{{- end -}}
{{- toYaml $config -}}
{{- end -}}

{{- define "egress-java.secretName" -}}
{{- default (include "egress-java.fullname" .) .Values.existingSecret -}}
{{- end -}}
