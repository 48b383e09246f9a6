"""`release_app`: the macro service owners call; declares `<name>_metadata`."""

load(":app_metadata.bzl", "app_metadata")

def release_app(name, visibility = None, **kwargs):
    """Declares the release metadata of app `name` as the target `<name>_metadata`.

    Args:
        name: App name as used in Bazel; the app's Kubernetes name is `name` with `_`
            replaced by `-` unless `app_name` is given.
        visibility: Visibility of the metadata target.
        **kwargs: Attributes of `app_metadata` (image_repository, image_tag, port, ...).
    """
    kwargs.setdefault("app_name", name.replace("_", "-"))
    app_metadata(
        name = name + "_metadata",
        visibility = visibility,
        **kwargs
    )
