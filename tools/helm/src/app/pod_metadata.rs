//! Annotations and labels of an app's pods (a service mesh's injection switch, a log
//! shipper's parser, a cost center): never the chart's own, which select the pods and roll
//! them on a config change.

use std::collections::BTreeMap;

use crate::checks;
use crate::error::ComposeError;
use crate::origin::Origin;

/// Label key prefixes of the chart's standard labels: the selector (a Deployment's selector
/// is immutable, so a label there would break every upgrade) and the recommended labels.
pub const RESERVED_LABEL_PREFIXES: [&str; 2] = ["app.kubernetes.io/", "helm.sh/"];
/// Annotation key prefixes of the chart's own pod annotations (`checksum/config` rolls the
/// pods when their ConfigMap changes).
pub const RESERVED_ANNOTATION_PREFIXES: [&str; 2] = ["checksum/", "helm.sh/"];

/// Pod labels: Kubernetes label keys and values, none of the chart's own.
pub(crate) fn pod_labels(
    labels: &BTreeMap<String, String>,
    field: &str,
    origin: &Origin,
) -> Result<BTreeMap<String, String>, ComposeError> {
    for (key, value) in labels {
        check_key(key, &RESERVED_LABEL_PREFIXES, "label", field, origin)?;
        origin.check(field, checks::label_value(value).map_err(|m| format!("{key}: {m}")))?;
    }
    Ok(labels.clone())
}

/// Pod annotations: qualified-name keys, none of the chart's own; values are free text.
pub(crate) fn pod_annotations(
    annotations: &BTreeMap<String, String>,
    field: &str,
    origin: &Origin,
) -> Result<BTreeMap<String, String>, ComposeError> {
    for key in annotations.keys() {
        check_key(key, &RESERVED_ANNOTATION_PREFIXES, "annotation", field, origin)?;
    }
    Ok(annotations.clone())
}

fn check_key(key: &str, reserved: &[&str], what: &str, field: &str, origin: &Origin) -> Result<(), ComposeError> {
    origin.check(field, checks::qualified_name(key))?;
    match reserved.iter().find(|prefix| key.starts_with(*prefix)) {
        Some(prefix) => Err(origin.error(
            field,
            format!(
                "{key:?}: {prefix}* {what}s are the chart's own (they select and roll the app's pods); use another key"
            ),
        )),
        None => Ok(()),
    }
}
