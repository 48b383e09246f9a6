"""`app_metadata`: one app's description, written as the JSON the composer reads.

The attributes are not written here: they come from `metadata_fields.bzl`, generated from
the composer's metadata schema (tools/helm/src/model.rs), so the rule, the JSON the
composer accepts and the reference docs (docs/app-metadata.md) cannot drift apart.
"""

load("//rules:providers.bzl", "AppInfo")
load(":metadata_fields.bzl", "METADATA_FIELDS")

# Integer attributes use this default for "not set", since 0 is meaningful for some; those
# that may be negative (a sync wave, a hook weight) use the smallest int32.
UNSET = -1
UNSET_SIGNED = -2147483648

def _attribute(field):
    if field.kind == "string":
        if field.values:
            return attr.string(default = "", values = [""] + field.values, doc = field.doc)
        return attr.string(mandatory = field.mandatory, doc = field.doc)
    if field.kind == "int":
        return attr.int(default = UNSET_SIGNED if field.signed else UNSET, doc = field.doc)
    if field.kind == "bool":
        return attr.bool(default = False, doc = field.doc)
    if field.kind == "string_list":
        return attr.string_list(doc = field.doc)
    if field.kind == "string_dict":
        return attr.string_dict(doc = field.doc)
    if field.kind == "label":
        return attr.label(allow_single_file = True, doc = field.doc)
    if field.kind == "label_list":
        return attr.label_list(allow_files = True, doc = field.doc)
    if field.kind == "json":
        return attr.string(doc = field.doc + " Given as JSON text (`release_app` encodes lists and dicts itself).")
    fail("metadata field kind {} has no attribute type".format(field.kind))

def _is_set(field, value):
    if field.kind == "int":
        return value != (UNSET_SIGNED if field.signed else UNSET)
    return value not in ("", False, [], {})

def _decode_json(ctx, attr_name, text):
    value = json.decode(text, default = None)
    if value == None:
        fail("{}: {} is not valid JSON: {}".format(ctx.label, attr_name, text))
    return value

def _app_name(ctx):
    if ctx.attr.app_name:
        return ctx.attr.app_name
    return ctx.label.name.removesuffix("_metadata").replace("_", "-")

def _metadata_dict(ctx):
    """The metadata JSON object: every set attribute at its JSON path."""
    metadata = {"name": _app_name(ctx), "target": str(ctx.label)}
    for attr_name, field in METADATA_FIELDS.items():
        value = getattr(ctx.attr, attr_name)
        if field.kind == "label_list":
            # Files by name: the composer reads them from these paths in its action.
            value = {f.basename: f.path for f in getattr(ctx.files, attr_name)}
        if field.kind == "label":
            value = getattr(ctx.file, attr_name)
            value = value.path if value else ""
        if attr_name == "app_name" or not _is_set(field, value):
            continue
        if field.kind == "json":
            value = _decode_json(ctx, attr_name, value)
        node = metadata
        for key in field.path[:-1]:
            node = node.setdefault(key, {})
        node[field.path[-1]] = value
    return metadata

def _input_files(ctx):
    """Every file an attribute names (config files, the image digest file): the composer reads them."""
    files = []
    for attr_name, field in METADATA_FIELDS.items():
        if field.kind in ("label", "label_list"):
            files.extend(getattr(ctx.files, attr_name))
    return files

def _app_metadata_impl(ctx):
    metadata = _metadata_dict(ctx)
    out = ctx.actions.declare_file(ctx.label.name + ".json")
    ctx.actions.write(out, json.encode_indent(metadata, indent = "  ") + "\n")
    return [
        DefaultInfo(files = depset([out])),
        AppInfo(
            app_name = metadata["name"],
            app_type = ctx.attr.app_type,
            files = depset(_input_files(ctx)),
            metadata = out,
        ),
    ]

app_metadata = rule(
    implementation = _app_metadata_impl,
    doc = "Describes one app (image, port, env, resources, probes, ingress, job settings) " +
          "as metadata JSON for `helm_chart`; attributes are listed in docs/app-metadata.md. " +
          "`bazel query 'kind(app_metadata, //...)'` lists every app.",
    attrs = {name: _attribute(field) for name, field in METADATA_FIELDS.items()},
    provides = [AppInfo],
)
