//! Containers of the pod besides the app's own: init containers, run to completion in order
//! before it, and native sidecars (init containers with `restartPolicy: Always`), which run
//! beside it for the pod's life. Each is checked by the app's own rules for images, commands,
//! environment variables and resources (the same functions, its fields named under
//! `init_containers.<name>`), and runs with the app's security context.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::checks;
use crate::error::ComposeError;
use crate::model::{AppMetadata, InitContainerMetadata};
use crate::origin::Origin;

use super::env::{self, SecretKeyRef};
use super::image::{self, Image};
use super::resources::{self, Resources};

/// One init container or sidecar as values.yaml holds it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InitContainer {
    pub name: String,
    pub sidecar: bool,
    pub image: Image,
    pub command: Vec<String>,
    pub args: Vec<String>,
    pub env: BTreeMap<String, String>,
    pub secret_env: BTreeMap<String, SecretKeyRef>,
    pub resources: Resources,
}

pub(super) fn init_containers(meta: &AppMetadata, origin: &Origin) -> Result<Vec<InitContainer>, ComposeError> {
    let mut containers: Vec<InitContainer> = Vec::new();
    for container in &meta.init_containers {
        origin.check("init_containers", checks::dns1123_label(&container.name))?;
        if container.name == meta.name {
            return Err(origin.error(
                "init_containers",
                format!("{:?} is the app's own container's name; name it after what it does", container.name),
            ));
        }
        if containers.iter().any(|c| c.name == container.name) {
            return Err(origin.error("init_containers", format!("{:?} is listed twice", container.name)));
        }
        containers.push(init_container(container, origin)?);
    }
    Ok(containers)
}

/// One container, checked as an app's own container would be.
fn init_container(container: &InitContainerMetadata, origin: &Origin) -> Result<InitContainer, ComposeError> {
    let prefix = format!("init_containers.{}", container.name);
    let within = |error: ComposeError| match error {
        ComposeError::InvalidField { location, field, message } => {
            ComposeError::InvalidField { location, field: format!("{prefix}.{field}"), message }
        }
        other => other,
    };
    if !container.image.digest_file.is_empty() {
        return Err(origin.error(
            &format!("{prefix}.image.digest_file"),
            "is for the app's own image (a file of this build); name this image by digest or tag",
        ));
    }
    if container.command.iter().chain(&container.args).any(String::is_empty) {
        return Err(origin.error(&format!("{prefix}.command"), "has an empty word (command or args)"));
    }
    // The app's own checks, on an app holding this container's fields.
    let as_app = AppMetadata {
        name: container.name.clone(),
        image: container.image.clone(),
        env: container.env.clone(),
        secret_env: container.secret_env.clone(),
        resources: container.resources.clone(),
        ..AppMetadata::default()
    };
    let explicit = resources::checked_resources(&container.resources, origin).map_err(within)?;
    Ok(InitContainer {
        name: container.name.clone(),
        sidecar: container.sidecar,
        image: image::image(&as_app, origin).map_err(within)?,
        command: container.command.clone(),
        args: container.args.clone(),
        env: env::env(&as_app, origin).map_err(within)?,
        secret_env: env::secret_env(&as_app, origin).map_err(within)?,
        resources: Resources::resolve(&explicit, container.resources.preset.unwrap_or_default()),
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use serde_json::json;

    use crate::app::App;
    use crate::model::AppMetadata;

    fn with_init_containers(containers: serde_json::Value) -> AppMetadata {
        serde_json::from_value(json!({
            "name": "status-api", "target": "//x:status_api_metadata",
            "image": {"repository": "ghcr.io/x/status", "tag": "1.0"}, "port": 8080,
            "init_containers": containers
        }))
        .expect("test metadata parses")
    }

    fn proxy() -> serde_json::Value {
        json!({
            "name": "cloud-sql-proxy", "sidecar": true,
            "image": {"repository": "gcr.io/cloud-sql-connectors/cloud-sql-proxy", "tag": "2.14.1"},
            "args": ["--port=5432", "project:region:db"], "env": {"LOG_LEVEL": "info"},
            "secret_env": {"DB_TOKEN": "db-proxy/token"}, "resources": {"preset": "medium", "cpu_limit": "2"}
        })
    }

    fn error_of(containers: serde_json::Value) -> String {
        App::from_metadata(&with_init_containers(containers), Path::new("x.json"))
            .expect_err("must be rejected")
            .to_string()
    }

    #[test]
    fn a_sidecar_keeps_its_order_image_env_and_resources() {
        let migrate = json!({"name": "wait-db", "image": {"repository": "busybox", "digest": format!("sha256:{}", "a".repeat(64))}});
        let app =
            App::from_metadata(&with_init_containers(json!([migrate, proxy()])), Path::new("x.json")).expect("valid");
        let names: Vec<&str> = app.init_containers.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["wait-db", "cloud-sql-proxy"], "init containers run in the declared order");
        let sidecar = &app.init_containers[1];
        assert!(sidecar.sidecar && !app.init_containers[0].sidecar);
        assert_eq!(sidecar.image.tag, "2.14.1");
        assert_eq!(sidecar.secret_env["DB_TOKEN"].name, "db-proxy");
        assert_eq!((sidecar.resources.requests.cpu.as_str(), sidecar.resources.limits.cpu.as_str()), ("250m", "2"));
    }

    #[test]
    fn init_containers_follow_the_app_container_rules_naming_the_field() {
        let cases = [
            (
                json!([{"name": "status-api", "image": {"repository": "r", "tag": "1"}}]),
                "field `init_containers`: \"status-api\" is the app's own container's name",
            ),
            (json!([proxy(), proxy()]), "field `init_containers`: \"cloud-sql-proxy\" is listed twice"),
            (json!([{"name": "Proxy", "image": {"repository": "r", "tag": "1"}}]), "field `init_containers`:"),
            (
                json!([{"name": "p", "image": {"repository": "r"}}]),
                "field `init_containers.p.image.tag`: a tag or a digest is required",
            ),
            (
                json!([{"name": "p", "image": {"repository": "r", "tag": "latest"}}]),
                "field `init_containers.p.image.tag`",
            ),
            (
                json!([{"name": "p", "image": {"repository": "r", "digest_file": "d.txt"}}]),
                "field `init_containers.p.image.digest_file`: is for the app's own image",
            ),
            (
                json!([{"name": "p", "image": {"repository": "r", "tag": "1"}, "env": {"DB_PASSWORD": "x"}}]),
                "field `init_containers.p.env.DB_PASSWORD`: \"DB_PASSWORD\" looks like a credential",
            ),
            (
                json!([{"name": "p", "image": {"repository": "r", "tag": "1"}, "secret_env": {"T": "no-key"}}]),
                "field `init_containers.p.secret_env.T`",
            ),
            (
                json!([{"name": "p", "image": {"repository": "r", "tag": "1"}, "resources": {"cpu_request": "2", "cpu_limit": "1"}}]),
                "field `init_containers.p.resources.cpu_request`",
            ),
            (
                json!([{"name": "p", "image": {"repository": "r", "tag": "1"}, "args": [""]}]),
                "field `init_containers.p.command`: has an empty word",
            ),
        ];
        for (containers, expected) in cases {
            let error = error_of(containers);
            assert!(error.contains("//x:status_api_metadata (x.json): "), "{error}");
            assert!(error.contains(expected), "expected {expected:?} in {error}");
        }
    }
}
