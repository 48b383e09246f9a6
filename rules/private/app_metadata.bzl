"""`app_metadata`: one app's description, written as the JSON the composer reads.

The schema is defined by the composer's Rust types (tools/helm/src/model.rs); every
attribute below is one field of it, named by its JSON path with `_` for nesting (for
example `image_tag` is `image.tag`). The composer rejects unknown fields, and
//tools/helm:metadata_schema_test checks that these attributes and the Rust schema agree.
"""

load("//rules:providers.bzl", "AppInfo")

# Integer attributes use this default for "not set", since 0 is meaningful for some.
UNSET = -1

def _str(doc, default = ""):
    return attr.string(default = default, doc = doc)

def _int(doc):
    return attr.int(default = UNSET, doc = doc + " Unset: the composer's default.")

# attribute name -> (JSON path, attribute). The JSON path of a field is its place in
# model.rs's AppMetadata.
METADATA_FIELDS = {
    "app_name": (["name"], _str("App name (DNS-1035 label, at most 63 characters). Defaults to the target name without a `_metadata` suffix, `_` becoming `-`.")),
    "app_type": (["app_type"], attr.string(
        default = "",
        values = ["", "external-api", "internal-api", "worker", "job"],
        doc = "external-api, internal-api, worker or job. Empty: inferred (a name containing \"api\" is an internal-api; anything else must be explicit).",
    )),
    "image_repository": (["image", "repository"], attr.string(mandatory = True, doc = "Image repository, without tag or digest, e.g. `ghcr.io/org/app`.")),
    "image_tag": (["image", "tag"], _str("Image tag; never `latest`. A tag or a digest is required.")),
    "image_digest": (["image", "digest"], _str("Image digest `sha256:<64 hex>`; used instead of the tag when set.")),
    "image_pull_policy": (["image", "pull_policy"], attr.string(default = "", values = ["", "Always", "IfNotPresent", "Never"], doc = "Pull policy; empty: IfNotPresent.")),
    "port": (["port"], _int("Container port of an API (required for external-api and internal-api).")),
    "command": (["command"], attr.string_list(doc = "Overrides the image entrypoint.")),
    "args": (["args"], attr.string_list(doc = "Arguments to the entrypoint.")),
    "env": (["env"], attr.string_dict(doc = "Environment variables, NAME: value. Values are passed literally (never templated).")),
    "secret_env": (["secret_env"], attr.string_dict(doc = "Environment variables from Secrets, NAME: `secret-name/key`.")),
    "env_from_secrets": (["env_from_secrets"], attr.string_list(doc = "Secrets whose every key becomes an environment variable.")),
    "env_from_configmaps": (["env_from_configmaps"], attr.string_list(doc = "ConfigMaps whose every key becomes an environment variable.")),
    "cpu_request": (["resources", "cpu_request"], _str("CPU request (Kubernetes quantity, e.g. `100m`); empty: 100m.")),
    "memory_request": (["resources", "memory_request"], _str("Memory request (e.g. `128Mi`); empty: 128Mi.")),
    "cpu_limit": (["resources", "cpu_limit"], _str("CPU limit; empty: 500m.")),
    "memory_limit": (["resources", "memory_limit"], _str("Memory limit; empty: 512Mi.")),
    "replicas": (["replicas"], _int("Replicas of a long-running app (APIs default to 2, workers to 1).")),
    "liveness_path": (["health", "liveness_path"], _str("HTTP liveness path; APIs default to /healthz.")),
    "readiness_path": (["health", "readiness_path"], _str("HTTP readiness path (must differ from liveness); APIs default to /readyz.")),
    "health_port": (["health", "port"], _int("Port of the health endpoints; APIs default to `port`. A worker has probes only when this is set.")),
    "ingress_host": (["ingress", "host"], _str("Host the Ingress routes to an external-api (required for that type).")),
    "ingress_path": (["ingress", "path"], _str("Path prefix of an external-api on its host; empty: /.")),
    "ingress_tls_secret": (["ingress", "tls_secret"], _str("Secret with the TLS certificate of the host; empty: plain HTTP.")),
    "ingress_annotations": (["ingress", "annotations"], attr.string_dict(doc = "Annotations of the Ingress (per-app mode) or merged into the shared one.")),
    "job_backoff_limit": (["job", "backoff_limit"], _int("Retries of a job before it fails (default 3).")),
    "job_ttl_seconds_after_finished": (["job", "ttl_seconds_after_finished"], _int("Seconds a finished job is kept (default 3600).")),
    "job_active_deadline_seconds": (["job", "active_deadline_seconds"], _int("Seconds a job may run.")),
    "job_hook": (["job", "hook"], _str("Helm hook phases of a job, comma-separated; empty: pre-install,pre-upgrade; `none`: a plain Job.")),
}

def _is_set(value):
    return value not in ("", UNSET, [], {})

def _app_name(ctx):
    if ctx.attr.app_name:
        return ctx.attr.app_name
    return ctx.label.name.removesuffix("_metadata").replace("_", "-")

def metadata_dict(ctx):
    """The metadata JSON object: every set attribute at its JSON path."""
    metadata = {"name": _app_name(ctx), "target": str(ctx.label)}
    for attr_name, (path, _) in METADATA_FIELDS.items():
        value = getattr(ctx.attr, attr_name)
        if attr_name == "app_name" or not _is_set(value):
            continue
        node = metadata
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = value
    return metadata

def _app_metadata_impl(ctx):
    metadata = metadata_dict(ctx)
    out = ctx.actions.declare_file(ctx.label.name + ".json")
    ctx.actions.write(out, json.encode_indent(metadata, indent = "  ") + "\n")
    return [
        DefaultInfo(files = depset([out])),
        AppInfo(app_name = metadata["name"], app_type = ctx.attr.app_type, metadata = out),
    ]

app_metadata = rule(
    implementation = _app_metadata_impl,
    doc = "Describes one app (image, port, env, resources, probes, ingress, job settings) " +
          "as metadata JSON for `helm_chart`. `bazel query 'kind(app_metadata, //...)'` lists every app.",
    attrs = {name: attribute for name, (_, attribute) in METADATA_FIELDS.items()},
    provides = [AppInfo],
)
