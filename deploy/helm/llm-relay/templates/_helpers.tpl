{{/* Names and labels */}}
{{- define "llm-relay.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "llm-relay.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "llm-relay.selectorLabels" -}}
app.kubernetes.io/name: {{ include "llm-relay.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: {{ .Values.mode }}
{{- end -}}

{{- define "llm-relay.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "llm-relay.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "llm-relay.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* The Secret the proxy's variables come from: the user's, the chart's, or none. */}}
{{- define "llm-relay.secretName" -}}
{{- if .Values.existingSecret -}}
{{- .Values.existingSecret -}}
{{- else if or .Values.secretEnv .Values.redis.url -}}
{{- printf "%s-env" (include "llm-relay.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/* The values that contradict each other, refused with a message that says what to do. */}}
{{- define "llm-relay.check" -}}
{{- $server := default (dict) .Values.config.server -}}
{{- range $key := list "host" "port" "drain_timeout" -}}
{{- if hasKey $server $key -}}
{{- fail (printf "config.server.%s: the chart sets it (HOST, PORT, DRAIN_TIMEOUT win over the file); use gateway.service.port, sidecar.port or drain.timeoutSeconds" $key) -}}
{{- end -}}
{{- end -}}
{{- if and (eq .Values.mode "gateway") .Values.metrics.enabled (hasKey .Values.config "admin") -}}
{{- fail "config.admin: the chart sets it from metrics.port and metrics.adminKeyEnv (or set metrics.enabled=false)" -}}
{{- end -}}
{{- if and .Values.redis.enabled (hasKey (default (dict) .Values.config.limits) "redis") -}}
{{- fail "config.limits.redis: the chart sets it from redis.url; give one of the two" -}}
{{- end -}}
{{- if and .Values.existingSecret .Values.secretEnv -}}
{{- fail "secretEnv and existingSecret: give the variables in one of the two" -}}
{{- end -}}
{{- if and .Values.redis.url (not .Values.redis.enabled) -}}
{{- fail "redis.url is set but redis.enabled is false" -}}
{{- end -}}
{{- if and .Values.redis.url .Values.existingSecret -}}
{{- fail "redis.url with existingSecret: put RELAY_REDIS_URL in that Secret and leave redis.url empty" -}}
{{- end -}}
{{- if and .Values.redis.enabled (not .Values.redis.url) (not .Values.existingSecret) -}}
{{- fail "redis.enabled needs redis.url (or existingSecret holding RELAY_REDIS_URL)" -}}
{{- end -}}
{{- if and .Values.metrics.adminKeyEnv (not .Values.existingSecret) (not (hasKey .Values.secretEnv .Values.metrics.adminKeyEnv)) -}}
{{- fail (printf "metrics.adminKeyEnv is %s, but secretEnv has no %s" .Values.metrics.adminKeyEnv .Values.metrics.adminKeyEnv) -}}
{{- end -}}
{{- if and .Values.metrics.serviceMonitor.enabled (or (ne .Values.mode "gateway") (not .Values.metrics.enabled)) -}}
{{- fail "metrics.serviceMonitor.enabled needs mode=gateway and metrics.enabled" -}}
{{- end -}}
{{- if and (eq .Values.mode "sidecar") (not .Values.sidecar.app.image) -}}
{{- fail "mode=sidecar needs sidecar.app.image: the application llm-relay runs beside" -}}
{{- end -}}
{{- end -}}

{{/* relay.yaml: config, with the chart's admin and Redis settings. */}}
{{- define "llm-relay.relayYaml" -}}
{{- $config := deepCopy .Values.config -}}
{{- if and (eq .Values.mode "gateway") .Values.metrics.enabled -}}
{{- $admin := dict "port" (int .Values.metrics.port) -}}
{{- if .Values.metrics.adminKeyEnv -}}
{{- $_ := set $admin "key_env" .Values.metrics.adminKeyEnv -}}
{{- end -}}
{{- $_ := set $config "admin" $admin -}}
{{- end -}}
{{- if .Values.redis.enabled -}}
{{- $limits := default (dict) $config.limits -}}
{{- $_ := set $limits "redis" "${RELAY_REDIS_URL}" -}}
{{- $_ := set $config "limits" $limits -}}
{{- end -}}
{{- if $config -}}
{{- toYaml $config -}}
{{- else -}}
# no backends: the built-in demo backend (models demo and demo-embed)
{}
{{- end -}}
{{- end -}}

{{/* preStop pause (gateway) + drain + 5 s for the cut answers' last line and the event loops' stop */}}
{{- define "llm-relay.gatewayGraceSeconds" -}}
{{- add .Values.drain.preStopSleepSeconds .Values.drain.timeoutSeconds 5 -}}
{{- end -}}

{{/* The proxy's container; in sidecar mode an init container with restartPolicy: Always. */}}
{{- define "llm-relay.container" -}}
{{- $sidecar := eq .Values.mode "sidecar" -}}
- name: llm-relay
  image: {{ include "llm-relay.image" . }}
  imagePullPolicy: {{ .Values.image.pullPolicy }}
  {{- if $sidecar }}
  restartPolicy: Always
  {{- end }}
  args: ["serve", "--watch-config"]
  env:
    {{- if $sidecar }}
    - name: HOST
      value: 127.0.0.1
    {{- end }}
    - name: PORT
      value: {{ ternary .Values.sidecar.port .Values.gateway.service.port $sidecar | quote }}
    - name: RELAY_CONFIG
      value: /etc/llm-relay/relay.yaml
    - name: DRAIN_TIMEOUT
      value: {{ printf "%ds" (int .Values.drain.timeoutSeconds) | quote }}
    {{- if .Values.javaOpts }}
    - name: JAVA_OPTS
      value: {{ .Values.javaOpts | quote }}
    {{- end }}
    {{- with .Values.env }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- with include "llm-relay.secretName" . }}
  envFrom:
    - secretRef:
        name: {{ . }}
  {{- end }}
  {{- if $sidecar }}
  # the kubelet's HTTP probes cannot reach 127.0.0.1: the image's llm-relay-probe asks from inside
  startupProbe:
    exec:
      command: ["llm-relay-probe", "/health"]
    periodSeconds: 1
    failureThreshold: 30
  livenessProbe:
    exec:
      command: ["llm-relay-probe", "/health"]
    periodSeconds: 10
    timeoutSeconds: 5
    failureThreshold: 3
  {{- else }}
  ports:
    - name: http
      containerPort: {{ .Values.gateway.service.port }}
    {{- if .Values.metrics.enabled }}
    - name: admin
      containerPort: {{ .Values.metrics.port }}
    {{- end }}
  startupProbe:
    httpGet:
      path: /health
      port: http
    periodSeconds: 1
    failureThreshold: 30
  readinessProbe:
    httpGet:
      path: /health/ready
      port: http
    periodSeconds: 2
    timeoutSeconds: 2
    failureThreshold: 2
  livenessProbe:
    httpGet:
      path: /health
      port: http
    periodSeconds: 10
    timeoutSeconds: 3
    failureThreshold: 3
  lifecycle:
    preStop:
      exec:
        command: ["sleep", {{ .Values.drain.preStopSleepSeconds | quote }}]
  {{- end }}
  resources:
    {{- toYaml (ternary .Values.sidecar.resources .Values.gateway.resources $sidecar) | nindent 4 }}
  securityContext:
    {{- toYaml .Values.securityContext | nindent 4 }}
  volumeMounts:
    - name: llm-relay-config
      mountPath: /etc/llm-relay
      readOnly: true
    - name: llm-relay-tmp
      mountPath: /tmp
{{- end -}}

{{- define "llm-relay.volumes" -}}
- name: llm-relay-config
  configMap:
    name: {{ include "llm-relay.fullname" . }}
- name: llm-relay-tmp
  emptyDir:
    sizeLimit: 64Mi
{{- end -}}

{{/* Rolls the pods when the chart's Secret changes (variables are read at start); the config is
     watched (--watch-config) and applied without a restart. */}}
{{- define "llm-relay.podAnnotations" -}}
{{- if and (not .Values.existingSecret) (include "llm-relay.secretName" .) }}
checksum/secret: {{ include (print $.Template.BasePath "/secret.yaml") . | sha256sum }}
{{- end }}
{{- with .Values.podAnnotations }}
{{ toYaml . }}
{{- end }}
{{- end -}}
