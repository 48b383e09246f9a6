//! A rendered Kubernetes object, and the name it is known by across charts.

use serde_json::Value;

/// One object Helm rendered: its kind and name as rendered, the template it came from, and
/// its whole body as Kubernetes would read it.
#[derive(Clone, Debug, PartialEq)]
pub struct Object {
    pub kind: String,
    pub name: String,
    /// The template path Helm reports (`<chart>/templates/x.yaml`).
    pub template: String,
    pub body: Value,
}

impl Object {
    /// `Kind/name`, as rendered.
    pub fn id(&self) -> String {
        format!("{}/{}", self.kind, self.name)
    }

    /// The value at `keys` (mapping keys only), if there is one.
    pub fn get(&self, keys: &[&str]) -> Option<&Value> {
        keys.iter().try_fold(&self.body, |value, key| value.get(key))
    }

    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.get(&["metadata", "annotations", key]).and_then(Value::as_str)
    }
}

/// An object's name without its release prefix, so that objects of two charts installed
/// under the same release pair up: hand-written charts name objects after helm create's
/// fullname, `<release>-<chart>-<part>` (or `<release>-<part>` when the release name holds
/// the chart name), generated ones `<release>-<app>`. The longest matching prefix goes; a
/// name that is the fullname itself keeps the chart name.
pub fn short_name(name: &str, release: &str, chart: &str) -> String {
    let fullname_prefix = format!("{release}-{chart}-");
    let release_prefix = format!("{release}-");
    for prefix in [&fullname_prefix, &release_prefix] {
        if let Some(rest) = name.strip_prefix(prefix.as_str()) {
            if !rest.is_empty() {
                return rest.to_string();
            }
        }
    }
    name.to_string()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{short_name, Object};

    #[test]
    fn id_and_annotations_read_the_object() {
        let object = Object {
            kind: "Pod".into(),
            name: "release-name-test".into(),
            template: "shop/templates/test.yaml".into(),
            body: json!({"metadata": {"annotations": {"helm.sh/hook": "test", "count": 3}}}),
        };
        assert_eq!(object.id(), "Pod/release-name-test");
        assert_eq!(object.annotation("helm.sh/hook"), Some("test"));
        assert_eq!(object.annotation("absent"), None);
        // Not a string: no annotation Kubernetes would accept.
        assert_eq!(object.annotation("count"), None);
        assert_eq!(object.get(&["metadata", "annotations", "count"]), Some(&json!(3)));
    }

    #[test]
    fn release_and_fullname_prefixes_go() {
        assert_eq!(short_name("release-name-legacy-shop-web", "release-name", "legacy-shop"), "web");
        assert_eq!(short_name("release-name-web", "release-name", "shop"), "web");
        assert_eq!(short_name("release-name-legacy-shop", "release-name", "legacy-shop"), "legacy-shop");
        assert_eq!(short_name("shop-web", "shop", "shop"), "web");
        assert_eq!(short_name("unrelated", "release-name", "shop"), "unrelated");
        assert_eq!(short_name("release-name", "release-name", "shop"), "release-name");
    }
}
