"""`release_app`: the macro service owners call; declares `<name>_metadata`."""

load(":app_metadata.bzl", "app_metadata")
load(":metadata_fields.bzl", "METADATA_FIELDS")

def release_app(name, visibility = None, **kwargs):
    """Declares the release metadata of app `name` as the target `<name>_metadata`.

    Args:
        name: App name as used in Bazel; the app's Kubernetes name is `name` with `_`
            replaced by `-` unless `app_name` is given.
        visibility: Visibility of the metadata target.
        **kwargs: Attributes of `app_metadata` (image_repository, image_tag, port, ...).
            Structured ones (such as `keda_triggers`, a list of dicts) are given as Starlark
            values and passed on as JSON.
    """
    kwargs.setdefault("app_name", name.replace("_", "-"))
    for attr_name, field in METADATA_FIELDS.items():
        if field.kind == "json" and type(kwargs.get(attr_name)) in ("list", "dict"):
            kwargs[attr_name] = json.encode(kwargs[attr_name])
    app_metadata(
        name = name + "_metadata",
        visibility = visibility,
        **kwargs
    )
